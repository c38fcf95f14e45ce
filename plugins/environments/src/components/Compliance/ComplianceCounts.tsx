import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ServiceFindings } from '../../api';

/** "Drift and compliance: 2 errors, 1 warning" for the overview card. */
export function ComplianceCounts(props: { findings: ServiceFindings }) {
  const { summary } = props.findings;
  const { error, warning } = summary.bySeverity;
  let counts;
  if (!summary.evaluatedAt) {
    counts = (
      <Typography variant="body2" color="textSecondary" component="span">
        not evaluated yet
      </Typography>
    );
  } else if (error + warning === 0) {
    counts = <StatusOK>no errors or warnings</StatusOK>;
  } else {
    counts = (
      <>
        {error > 0 && (
          <StatusError>
            {error} {error === 1 ? 'error' : 'errors'}
          </StatusError>
        )}{' '}
        {warning > 0 && (
          <StatusWarning>
            {warning} {warning === 1 ? 'warning' : 'warnings'}
          </StatusWarning>
        )}
      </>
    );
  }
  return (
    <Typography
      variant="body2"
      component="div"
      aria-label="Drift and compliance"
    >
      Drift and compliance: {counts}
    </Typography>
  );
}
