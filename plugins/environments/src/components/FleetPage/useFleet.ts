import { useApi } from '@backstage/core-plugin-api';
import { FleetServiceSummary } from '@internal/backstage-plugin-environments-common';
import { useEffect, useState } from 'react';
import { environmentsApiRef } from '../../api';

/** Services asked for per request: large, so a fleet of a few thousand loads in a handful of calls. */
export const FLEET_PAGE_SIZE = 1000;

/** The fleet as loaded so far. */
export interface FleetLoadState {
  items: FleetServiceSummary[];
  /** Undefined until the first page arrived. */
  totalItems?: number;
  /** True once every page arrived or loading stopped on an error. */
  done: boolean;
  error?: Error;
}

/**
 * Loads the whole fleet page after page; rows show as soon as the first page arrives and later pages
 * are appended, so filtering and search then run in the browser without further requests.
 */
export function useFleet(): FleetLoadState {
  const api = useApi(environmentsApiRef);
  const [state, setState] = useState<FleetLoadState>({
    items: [],
    done: false,
  });

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const items: FleetServiceSummary[] = [];
      let totalItems: number | undefined;
      try {
        for (;;) {
          const page = await api.getFleet({
            offset: items.length,
            limit: FLEET_PAGE_SIZE,
          });
          if (cancelled) {
            return;
          }
          items.push(...page.items);
          totalItems = page.totalItems;
          const done = page.items.length === 0 || items.length >= totalItems;
          setState({ items: [...items], totalItems, done });
          if (done) {
            return;
          }
        }
      } catch (error) {
        if (!cancelled) {
          setState({
            items: [...items],
            totalItems,
            done: true,
            error: error as Error,
          });
        }
      }
    };
    load();
    return () => {
      cancelled = true;
    };
  }, [api]);

  return state;
}
