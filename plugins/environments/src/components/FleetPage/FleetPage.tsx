import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ComplianceSummary,
  EnvironmentDefinition,
} from '@internal/backstage-plugin-environments-common';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { BackendErrorPanel, backendMessage } from '../BackendErrorPanel';
import { FleetFiltersBar } from './FleetFiltersBar';
import { FleetSummaryTiles } from './FleetSummaryTiles';
import { FleetTable } from './FleetTable';
import {
  FleetFilters,
  distinctValues,
  filterFleet,
  fleetCounts,
  sortFleet,
} from './fleetFilters';
import { useComplianceSummaries } from './useComplianceSummaries';
import { useFleet } from './useFleet';
import { useFleetFilters } from './useFleetFilters';

const useStyles = makeStyles(theme => ({
  // On the card's white, secondary text keeps its contrast (it does not on the page's grey).
  rows: {
    padding: theme.spacing(2, 2, 0),
  },
}));

/** Column order comes from the configuration; until it arrives, the first service's order. */
function useEnvironmentColumns(firstService?: {
  environments: Array<{ environment: string }>;
}): EnvironmentDefinition[] {
  const api = useApi(environmentsApiRef);
  const definitions = useAsync(() => api.getEnvironments(), [api]);
  return useMemo(
    () =>
      definitions.value ??
      (firstService?.environments ?? []).map(e => ({
        name: e.environment,
        title: e.environment,
        shortName: e.environment,
        longName: e.environment,
        locations: [],
      })),
    [definitions.value, firstService],
  );
}

function FleetHeader() {
  return (
    <ContentHeader
      title="Fleet"
      description="What every service runs in every environment, what waits to be promoted, and what breaks the rules."
    />
  );
}

/** The filters and the rows they leave, on one card. */
function FleetRows(props: {
  fleet: ReturnType<typeof useFleet>;
  compliance?: Map<string, ComplianceSummary>;
  filters: FleetFilters;
  onChange: (filters: FleetFilters) => void;
}) {
  const classes = useStyles();
  const { fleet, compliance, filters, onChange } = props;
  const environments = useEnvironmentColumns(fleet.items[0]);
  const owners = useMemo(
    () => distinctValues(fleet.items, 'owner'),
    [fleet.items],
  );
  const systems = useMemo(
    () => distinctValues(fleet.items, 'system'),
    [fleet.items],
  );
  const rows = useMemo(
    () =>
      sortFleet(
        filterFleet(fleet.items, filters, compliance),
        filters.sort,
        compliance,
      ),
    [fleet.items, filters, compliance],
  );
  const loaded = fleet.items.length;
  const total = fleet.totalItems ?? loaded;
  return (
    <Paper variant="outlined" className={classes.rows}>
      <FleetFiltersBar
        filters={filters}
        owners={owners}
        systems={systems}
        complianceAvailable={compliance !== undefined}
        onChange={onChange}
      />
      <Typography
        variant="body2"
        color="textSecondary"
        gutterBottom
        role="status"
      >
        {rows.length === loaded
          ? `${loaded} services`
          : `${rows.length} of ${loaded} services match`}
        {fleet.done ? '' : ` (loading ${total - loaded} more…)`}
      </Typography>
      {rows.length === 0 ? (
        <EmptyState
          missing="data"
          title="No service matches these filters"
          description="Clear a filter, choose the Services tile, or change the search."
        />
      ) : (
        <FleetTable
          items={rows}
          environments={environments}
          compliance={compliance}
        />
      )}
    </Paper>
  );
}

/** The fleet's summary, filters and rows, once its first page arrived. */
function FleetView() {
  const fleet = useFleet();
  const compliance = useComplianceSummaries();
  const [filters, setFilters] = useFleetFilters();
  const counts = useMemo(
    () => fleetCounts(fleet.items, filters, compliance.summaries),
    [fleet.items, filters, compliance.summaries],
  );

  if (fleet.totalItems === undefined && !fleet.error) {
    return <Progress aria-label="Loading the fleet" />;
  }
  if (fleet.error && fleet.items.length === 0) {
    return (
      <BackendErrorPanel
        error={fleet.error}
        action="Could not load the fleet"
      />
    );
  }
  if (fleet.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No services yet"
        description="No catalog component carries the environments.io/project annotation, or none was collected yet."
      />
    );
  }

  const loaded = fleet.items.length;
  const complianceUnavailable = compliance.error
    ? `Drift and compliance could not be loaded: ${backendMessage(
        compliance.error,
      )}`
    : undefined;
  return (
    <>
      {fleet.error && (
        <WarningPanel
          severity="error"
          title={`Only ${loaded} of ${
            fleet.totalItems ?? loaded
          } services could be loaded: ${backendMessage(fleet.error)}`}
        />
      )}
      {complianceUnavailable && (
        <WarningPanel severity="warning" title={complianceUnavailable} />
      )}
      <FleetSummaryTiles
        counts={counts}
        filters={filters}
        complianceUnavailable={complianceUnavailable ?? 'Loading…'}
        onChange={setFilters}
      />
      <FleetRows
        fleet={fleet}
        compliance={compliance.summaries}
        filters={filters}
        onChange={setFilters}
      />
    </>
  );
}

/** The fleet view without a page shell: the new frontend system's page layout supplies the header. */
export function FleetContent() {
  return (
    <>
      <FleetHeader />
      <FleetView />
    </>
  );
}

/** The fleet view as a standalone page, with its own header, for the legacy frontend system. */
export function FleetPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Environments"
        subtitle="What every service runs in every environment"
      />
      <Content>
        <FleetContent />
      </Content>
    </Page>
  );
}
