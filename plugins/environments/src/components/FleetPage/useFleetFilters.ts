import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  FleetFilters,
  fleetFiltersFromUrl,
  fleetFiltersToUrl,
} from './fleetFilters';

/**
 * The fleet's filters, kept in the page's URL query: a filtered fleet can be bookmarked, shared and
 * reloaded. Each change replaces the current history entry, so Back leaves the page.
 */
export function useFleetFilters(): [
  FleetFilters,
  (filters: FleetFilters) => void,
] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => fleetFiltersFromUrl(params), [params]);
  const setFilters = useCallback(
    (next: FleetFilters) =>
      setParams(fleetFiltersToUrl(next), { replace: true }),
    [setParams],
  );
  return [filters, setFilters];
}
