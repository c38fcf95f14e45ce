import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

/**
 * A button that is disabled, with a tooltip saying why, while `disabledReason` is set. The tooltip sits
 * on a wrapper because a disabled button receives no pointer events.
 */
export function ExplainedButton(
  props: ButtonProps & { disabledReason?: string },
) {
  const { disabledReason, disabled, ...buttonProps } = props;
  const button = (
    <Button {...buttonProps} disabled={disabled || !!disabledReason} />
  );
  if (!disabledReason) {
    return button;
  }
  return (
    <Tooltip title={disabledReason}>
      <span>{button}</span>
    </Tooltip>
  );
}
