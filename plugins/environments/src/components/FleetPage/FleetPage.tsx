import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { BackendErrorPanel, backendMessage } from '../BackendErrorPanel';
import { FleetFiltersBar } from './FleetFiltersBar';
import { FleetTable } from './FleetTable';
import {
  FleetFilters,
  distinctValues,
  filterFleet,
  noFleetFilters,
  sortFleet,
} from './fleetFilters';
import { useComplianceSummaries } from './useComplianceSummaries';
import { useFleet } from './useFleet';

/** The fleet view without a page shell: the new frontend system's page layout supplies the header. */
export function FleetContent() {
  const api = useApi(environmentsApiRef);
  const definitions = useAsync(() => api.getEnvironments(), [api]);
  const fleet = useFleet();
  const compliance = useComplianceSummaries();
  const [filters, setFilters] = useState<FleetFilters>(noFleetFilters);

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
        filterFleet(fleet.items, filters, compliance.summaries),
        filters.sort,
        compliance.summaries,
      ),
    [fleet.items, filters, compliance.summaries],
  );
  // Column order comes from the configuration; fall back to the first service's order.
  const environments: EnvironmentDefinition[] = useMemo(
    () =>
      definitions.value ??
      (fleet.items[0]?.environments ?? []).map(e => ({
        name: e.environment,
        title: e.environment,
        shortName: e.environment,
        longName: e.environment,
        locations: [],
      })),
    [definitions.value, fleet.items],
  );

  if (fleet.totalItems === undefined && !fleet.error) {
    return <Progress />;
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
  const total = fleet.totalItems ?? loaded;
  return (
    <>
      {fleet.error && (
        <WarningPanel
          severity="error"
          title={`Only ${loaded} of ${total} services could be loaded: ${backendMessage(
            fleet.error,
          )}`}
        />
      )}
      {compliance.error && (
        <WarningPanel
          severity="warning"
          title={`Drift and compliance could not be loaded: ${backendMessage(
            compliance.error,
          )}`}
        />
      )}
      <FleetFiltersBar
        filters={filters}
        owners={owners}
        systems={systems}
        complianceAvailable={compliance.summaries !== undefined}
        onChange={setFilters}
      />
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {rows.length === loaded
          ? `${loaded} services`
          : `${rows.length} of ${loaded} services match`}
        {fleet.done ? '' : ` (loading ${total - loaded} more…)`}
      </Typography>
      {rows.length === 0 ? (
        <EmptyState
          missing="data"
          title="No service matches these filters"
          description="Clear a filter or change the search."
        />
      ) : (
        <FleetTable
          items={rows}
          environments={environments}
          compliance={compliance.summaries}
        />
      )}
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
