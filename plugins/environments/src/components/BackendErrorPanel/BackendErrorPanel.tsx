import { ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';

/** The message the backend gave for a failed request, or the error's own message. */
export function backendMessage(error: Error): string {
  if (error.name === 'ResponseError') {
    return (error as ResponseError).cause.message;
  }
  return error.message;
}

/** An ErrorPanel whose title says what failed and why, in the backend's words; details fold out. */
export function BackendErrorPanel(props: { error: Error; action: string }) {
  const { error, action } = props;
  return (
    <ResponseErrorPanel
      error={error}
      title={`${action}: ${backendMessage(error)}`}
    />
  );
}
