import {
  PromotionState,
  PromotionStepStatus,
  RollbackState,
} from '@internal/backstage-plugin-environments-common';
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '../Status';

/**
 * A promotion's or rollback's state with the matching status icon, on one line: in a narrow table column
 * a state must not break inside its word ("succeede/d").
 */
export function PromotionStatus(props: {
  status: PromotionState | RollbackState | PromotionStepStatus;
}) {
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <StatusIcon status={props.status} />
    </span>
  );
}

function StatusIcon(props: {
  status: PromotionState | RollbackState | PromotionStepStatus;
}) {
  const { status } = props;
  switch (status) {
    case 'succeeded':
      return <StatusOK>{status}</StatusOK>;
    case 'failed':
    case 'rejected':
      return <StatusError>{status}</StatusError>;
    case 'running':
    case 'started':
      return <StatusRunning>{status}</StatusRunning>;
    case 'rolled-back':
      return <StatusWarning>{status}</StatusWarning>;
    case 'expired':
    case 'cancelled':
      return <StatusAborted>{status}</StatusAborted>;
    default:
      return <StatusPending>{status}</StatusPending>;
  }
}
