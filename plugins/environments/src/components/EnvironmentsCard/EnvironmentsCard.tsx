import { Entity } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  EnvironmentState,
  PROJECT_ANNOTATION,
  isEnvironmentsAvailable,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  orderedStates,
  useEnvironmentMatrix,
} from '../../hooks/useEnvironmentMatrix';
import { BackendErrorPanel, backendMessage } from '../BackendErrorPanel';
import { ComplianceCounts, useServiceFindings } from '../Compliance';
import { DigestCueList, ShortDigest, digestCues } from '../DigestCues';
import { StatusAborted, StatusWarning } from '../Status';

const useStyles = makeStyles(theme => ({
  name: { width: '30%', verticalAlign: 'top' },
  value: { verticalAlign: 'top' },
  compliance: { marginTop: theme.spacing(1.5) },
}));

/** The error and warning counts of the service's findings, under the digests. */
function ComplianceLine(props: { entity: Entity }) {
  const classes = useStyles();
  const { findings, error } = useServiceFindings(props.entity);
  let content = null;
  if (error) {
    content = (
      <Typography variant="body2" color="textSecondary">
        Drift and compliance could not be loaded: {backendMessage(error)}
      </Typography>
    );
  } else if (findings) {
    content = <ComplianceCounts findings={findings} />;
  }
  return <div className={classes.compliance}>{content}</div>;
}

function DigestLine(props: { state: EnvironmentState }) {
  const { state } = props;
  if (state.status === 'missing') {
    return <StatusAborted>not found</StatusAborted>;
  }
  if (primaryFunction(state)?.liveAlias === null) {
    return <StatusWarning>found, no live alias</StatusWarning>;
  }
  if (state.status === 'unknown' || !state.digest) {
    return (
      <Typography variant="body2" color="textSecondary" component="span">
        {state.status === 'unknown' ? 'not collected yet' : 'unknown digest'}
      </Typography>
    );
  }
  return (
    <ShortDigest
      digest={state.digest}
      imageUri={primaryFunction(state)?.imageUri}
      environment={state.environment}
    />
  );
}

function CardContent(props: { entity: Entity }) {
  const classes = useStyles();
  const { loading, error, environments, matrix } = useEnvironmentMatrix(
    props.entity,
  );
  if (loading) {
    return <Progress aria-label="Loading environments" />;
  }
  if (error) {
    return (
      <BackendErrorPanel error={error} action="Could not load environments" />
    );
  }
  if (!environments || !matrix) {
    return null;
  }
  const titles = new Map(environments.map(e => [e.name, e.title]));
  const states = orderedStates(environments, matrix);
  if (states.every(s => s.status === 'missing')) {
    return (
      <Typography variant="body2">
        Not found in any environment; the Environments tab says what was
        searched.
      </Typography>
    );
  }
  return (
    <>
      <Table size="small" aria-label="Digest per environment">
        <TableBody>
          {states.map(state => (
            <TableRow key={state.environment}>
              <TableCell
                component="th"
                scope="row"
                role="rowheader"
                className={classes.name}
              >
                {titles.get(state.environment) ?? state.environment}
              </TableCell>
              <TableCell className={classes.value}>
                <DigestLine state={state} />
                <DigestCueList cues={digestCues(state.comparison)} />
                {state.freshness.stale && (
                  <StatusWarning>stale data</StatusWarning>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <ComplianceLine entity={props.entity} />
    </>
  );
}

/** The entity overview card: one line per environment with its digest and cues. */
export function EnvironmentsCard() {
  const { entity } = useEntity();
  return (
    <InfoCard title="Environments">
      {isEnvironmentsAvailable(entity) ? (
        <CardContent entity={entity} />
      ) : (
        <MissingAnnotationEmptyState annotation={PROJECT_ANNOTATION} />
      )}
    </InfoCard>
  );
}
