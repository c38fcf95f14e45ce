import { useApi } from '@backstage/core-plugin-api';
import { ComplianceSummary } from '@internal/backstage-plugin-environments-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';

/** The compliance summaries of the fleet by entity ref, loaded once beside the fleet's pages. */
export function useComplianceSummaries(): {
  summaries?: Map<string, ComplianceSummary>;
  error?: Error;
} {
  const api = useApi(environmentsApiRef);
  const loaded = useAsync(() => api.getComplianceSummaries(), [api]);
  const summaries = useMemo(
    () => loaded.value && new Map(loaded.value.map(s => [s.entityRef, s])),
    [loaded.value],
  );
  return { summaries, error: loaded.error };
}
