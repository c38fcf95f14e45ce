import { WarningPanel } from '@backstage/core-components';
import { RollbackRecord } from '@internal/backstage-plugin-environments-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ExecutionSteps } from '../Promotion/ExecutionSteps';
import { PromotionStatus } from '../Promotion/PromotionStatus';

/** How a rollback went: the versions, its status and why, its warnings and its steps. */
export function RollbackResult(props: { record: RollbackRecord }) {
  const { record } = props;
  return (
    <>
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <Typography variant="body1">
          Version {record.fromVersion} → {record.toVersion}
        </Typography>
        <PromotionStatus status={record.status} />
      </Box>
      {record.statusReason && (
        <Typography variant="body2">{record.statusReason}</Typography>
      )}
      {record.status === 'running' && (
        <Typography variant="body2" color="textSecondary">
          Still running on Lambda: this updates by itself until it ends.
        </Typography>
      )}
      {record.warnings.map(w => (
        <WarningPanel key={w} severity="warning" title={w} />
      ))}
      <ExecutionSteps steps={record.steps} />
    </>
  );
}
