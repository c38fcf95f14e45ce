import {
  StatusAborted as BackstageStatusAborted,
  StatusError as BackstageStatusError,
  StatusOK as BackstageStatusOK,
  StatusPending as BackstageStatusPending,
  StatusRunning as BackstageStatusRunning,
  StatusWarning as BackstageStatusWarning,
} from '@backstage/core-components';
import { ComponentType, PropsWithChildren } from 'react';

/**
 * Backstage's status lines hide their text from screen readers (`aria-hidden`, with an `aria-label`
 * such as "Status error" that no reader announces on a plain span). Ours say what a service's state is
 * ("2 errors", "stale", "not found"): the same components, with their text left readable. The text is
 * one span beside the icon: the line is a flex row, where each piece of text (a name in `code`) would
 * otherwise become a column of its own.
 */
function readable(Status: ComponentType<PropsWithChildren<{}>>) {
  return (props: PropsWithChildren<{}>) => (
    <Status aria-hidden={false} aria-label={undefined}>
      <span>{props.children}</span>
    </Status>
  );
}

export const StatusOK = readable(BackstageStatusOK);
export const StatusWarning = readable(BackstageStatusWarning);
export const StatusError = readable(BackstageStatusError);
export const StatusAborted = readable(BackstageStatusAborted);
export const StatusPending = readable(BackstageStatusPending);
export const StatusRunning = readable(BackstageStatusRunning);
