import { PromotionStep } from '@internal/backstage-plugin-environments-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { RelativeTime } from '../DigestCues';
import { PromotionStatus } from './PromotionStatus';

/** The execution steps of a promotion or rollback against AWS, in order, with their results. */
export function ExecutionSteps(props: { steps: PromotionStep[] }) {
  const steps = [...props.steps].sort((a, b) => a.sequence - b.sequence);
  if (steps.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing has been executed yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Execution steps">
      <TableHead>
        <TableRow>
          <TableCell>Step</TableCell>
          <TableCell>Result</TableCell>
          <TableCell style={{ whiteSpace: 'nowrap' }}>Started</TableCell>
          <TableCell>Details</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {steps.map(step => (
          <TableRow key={step.sequence}>
            {/* Step names are hyphenated words (switch-alias): never broken at the hyphen. */}
            <TableCell style={{ whiteSpace: 'nowrap' }}>{step.name}</TableCell>
            <TableCell>
              <PromotionStatus status={step.status} />
            </TableCell>
            <TableCell>
              <RelativeTime value={step.startedAt} />
            </TableCell>
            <TableCell>{step.error ?? step.detail ?? ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
