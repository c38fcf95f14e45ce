import { Entity } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  EnvironmentState,
  PROJECT_ANNOTATION,
  findUnknownAnnotations,
  isEnvironmentsAvailable,
} from '@internal/backstage-plugin-environments-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useState } from 'react';
import {
  orderedStates,
  useEnvironmentMatrix,
} from '../../hooks/useEnvironmentMatrix';
import { BackendErrorPanel, backendMessage } from '../BackendErrorPanel';
import {
  ComplianceCell,
  DriftCheckButton,
  useServiceFindings,
} from '../Compliance';
import { ConfigurationSection } from '../Configuration';
import { ChangeButtons } from './ChangeButtons';
import { matrixRows } from './cells';
import { NotFoundAnywhere } from './NotFoundAnywhere';
import { RecentChanges } from './RecentChanges';
import { StatusWarning } from '../Status';

const useStyles = makeStyles(theme => ({
  table: {
    tableLayout: 'fixed',
  },
  label: {
    width: '12rem',
    fontWeight: theme.typography.fontWeightMedium as number,
    verticalAlign: 'top',
  },
  cell: {
    verticalAlign: 'top',
    overflowWrap: 'anywhere',
  },
  // A newer build waits in the environment before: the whole column stands out, by a bar down its
  // left edge. Not by a tint: on a tinted striped row, secondary text falls under 4.5:1.
  pending: {
    boxShadow: `inset 3px 0 0 ${theme.palette.info.dark}`,
  },
  stale: {
    boxShadow: `inset 3px 0 0 ${theme.palette.warning.main}`,
  },
}));

function RefreshButton(props: { refreshing: boolean; onClick: () => void }) {
  return (
    <Button
      variant="outlined"
      color="primary"
      size="small"
      startIcon={<RefreshIcon />}
      disabled={props.refreshing}
      onClick={props.onClick}
    >
      {props.refreshing ? 'Refreshing…' : 'Refresh'}
    </Button>
  );
}

function columnClass(
  state: EnvironmentState,
  classes: ReturnType<typeof useStyles>,
) {
  if (state.comparison?.promotionPending) {
    return classes.pending;
  }
  return state.freshness.stale ? classes.stale : undefined;
}

function MatrixContent(props: { entity: Entity }) {
  const { entity } = props;
  const classes = useStyles();
  const {
    loading,
    error,
    environments,
    matrix,
    refreshing,
    refreshError,
    refresh,
  } = useEnvironmentMatrix(entity);
  // A refresh evaluates the service again: its findings are loaded again after each one.
  const [refreshes, setRefreshes] = useState(0);
  const compliance = useServiceFindings(entity, refreshes);

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

  const refreshButton = (
    <RefreshButton
      refreshing={refreshing}
      onClick={() => refresh().then(() => setRefreshes(n => n + 1))}
    />
  );
  const refreshFailure = refreshError && (
    <WarningPanel
      severity="error"
      title={`Refresh failed: ${backendMessage(refreshError)}`}
    />
  );
  const states = orderedStates(environments, matrix);
  if (states.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No environments are configured"
        description="The backend has no environments.definitions in its configuration."
      />
    );
  }
  const titles = new Map(environments.map(e => [e.name, e.title]));
  const annotationWarnings = matrix.unknownAnnotations?.map(unknown => (
    <WarningPanel
      key={unknown.annotation}
      severity="warning"
      title={unknown.message}
    />
  ));
  if (states.every(s => s.status !== 'ok')) {
    return (
      <>
        {refreshFailure}
        {annotationWarnings}
        {states.some(s => s.status === 'missing') ? (
          <NotFoundAnywhere
            name={entity.metadata.name}
            states={states}
            titles={titles}
            action={refreshButton}
          />
        ) : (
          <EmptyState
            missing="data"
            title="Not collected yet"
            description="The environments of this service have not been collected from AWS yet. Refresh to collect them now."
            action={refreshButton}
          />
        )}
      </>
    );
  }

  const actions = (
    <Box display="flex" style={{ gap: 8 }}>
      <DriftCheckButton
        checking={compliance.checking}
        onClick={() => compliance.checkDrift()}
      />
      {refreshButton}
    </Box>
  );
  return (
    <InfoCard title="Environments" action={actions} noPadding>
      {refreshFailure}
      {annotationWarnings}
      {compliance.error && (
        <WarningPanel
          severity="warning"
          title={`Could not load drift and compliance findings: ${backendMessage(
            compliance.error,
          )}`}
        />
      )}
      {compliance.checkError && (
        <WarningPanel
          severity="error"
          title={`CloudFormation drift check failed: ${backendMessage(
            compliance.checkError,
          )}`}
        />
      )}
      <Table
        size="small"
        className={classes.table}
        aria-label={`Environments of ${entity.metadata.name}`}
      >
        <TableHead>
          <TableRow>
            <TableCell className={classes.label} />
            {states.map(state => (
              <TableCell
                key={state.environment}
                className={columnClass(state, classes)}
              >
                <Typography variant="subtitle2" component="span">
                  {titles.get(state.environment) ?? state.environment}
                </Typography>
                {state.freshness.stale && (
                  <StatusWarning>stale data</StatusWarning>
                )}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {matrixRows.map(row => (
            <TableRow key={row.label}>
              <TableCell
                component="th"
                scope="row"
                role="rowheader"
                className={classes.label}
              >
                {row.label}
              </TableCell>
              {states.map(state => (
                <TableCell
                  key={state.environment}
                  className={`${classes.cell} ${
                    columnClass(state, classes) ?? ''
                  }`}
                >
                  {row.render(state)}
                </TableCell>
              ))}
            </TableRow>
          ))}
          <TableRow>
            <TableCell
              component="th"
              scope="row"
              role="rowheader"
              className={classes.label}
            >
              Drift and compliance
            </TableCell>
            {states.map(state => (
              <TableCell
                key={state.environment}
                className={`${classes.cell} ${
                  columnClass(state, classes) ?? ''
                }`}
              >
                {compliance.findings ? (
                  <ComplianceCell
                    environment={state.environment}
                    findings={compliance.findings}
                    hasStack={state.functions.some(fn => fn.stack)}
                  />
                ) : (
                  <Typography variant="body2" color="textSecondary">
                    {compliance.loading ? 'loading…' : '—'}
                  </Typography>
                )}
              </TableCell>
            ))}
          </TableRow>
          <TableRow>
            <TableCell
              component="th"
              scope="row"
              role="rowheader"
              className={classes.label}
            >
              Change
            </TableCell>
            {states.map((state, i) => (
              <TableCell
                key={state.environment}
                className={`${classes.cell} ${
                  columnClass(state, classes) ?? ''
                }`}
              >
                <ChangeButtons
                  entityRef={matrix.entityRef}
                  state={state}
                  previous={i > 0 ? states[i - 1] : undefined}
                  title={titles.get(state.environment) ?? state.environment}
                  owner={
                    typeof entity.spec?.owner === 'string'
                      ? entity.spec.owner
                      : undefined
                  }
                  onChanged={() =>
                    refresh().then(() => setRefreshes(n => n + 1))
                  }
                />
              </TableCell>
            ))}
          </TableRow>
        </TableBody>
      </Table>
      <RecentChanges entityRef={matrix.entityRef} reloads={refreshes} />
      <ConfigurationSection entityRef={matrix.entityRef} reloads={refreshes} />
    </InfoCard>
  );
}

/** The entity tab "Environments": what the service runs in every environment, side by side. */
export function EnvironmentMatrix() {
  const { entity } = useEntity();
  if (!isEnvironmentsAvailable(entity)) {
    // A misspelt key (environments.io/projcet) is named, with the one it is likely meant as.
    const misspelt = findUnknownAnnotations(
      entity.metadata.annotations,
      [],
    ).filter(unknown => unknown.likelyMeant === PROJECT_ANNOTATION);
    return (
      <>
        {misspelt.map(unknown => (
          <WarningPanel
            key={unknown.annotation}
            severity="warning"
            title={unknown.message}
          />
        ))}
        <MissingAnnotationEmptyState annotation={PROJECT_ANNOTATION} />
      </>
    );
  }
  return <MatrixContent entity={entity} />;
}
