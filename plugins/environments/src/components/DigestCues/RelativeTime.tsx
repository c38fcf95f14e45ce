import Tooltip from '@material-ui/core/Tooltip';
import { formatAge, formatTimestamp } from './time';

/** "3 hours ago", with the full date and time on hover. */
export function RelativeTime(props: { value: string; prefix?: string }) {
  const { value, prefix } = props;
  return (
    <Tooltip title={formatTimestamp(value)}>
      <span>
        {prefix ? `${prefix} ` : ''}
        {formatAge(value)}
      </span>
    </Tooltip>
  );
}
