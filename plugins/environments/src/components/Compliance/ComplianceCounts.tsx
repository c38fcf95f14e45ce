import Typography from '@material-ui/core/Typography';
import { ServiceFindings } from '../../api';
import { StatusError, StatusOK, StatusWarning } from '../Status';

/** "2 errors 1 warning", each with its status icon; a count of 0 is left out. */
export function SeverityStatuses(props: { error: number; warning: number }) {
  const { error, warning } = props;
  return (
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
    counts = <SeverityStatuses error={error} warning={warning} />;
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
