import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  EnvironmentDefinition,
  EnvironmentMatrix,
} from '@internal/backstage-plugin-environments-common';
import { useCallback, useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../api';

/** The matrix of a service with its environments' definitions, and a way to refresh it from AWS. */
export interface EnvironmentMatrixState {
  loading: boolean;
  error?: Error;
  environments?: EnvironmentDefinition[];
  matrix?: EnvironmentMatrix;
  refreshing: boolean;
  refreshError?: Error;
  refresh: () => Promise<void>;
}

/** Loads what an entity runs in every environment; `refresh` asks the backend to collect it now. */
export function useEnvironmentMatrix(entity: Entity): EnvironmentMatrixState {
  const api = useApi(environmentsApiRef);
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const loaded = useAsync(
    async () =>
      Promise.all([api.getEnvironments(), api.getMatrix(ref)]).then(
        ([environments, matrix]) => ({ environments, matrix }),
      ),
    [api, ref.kind, ref.namespace, ref.name],
  );
  const [refreshed, setRefreshed] = useState<EnvironmentMatrix>();
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<Error>();

  // A matrix refreshed for another entity must not leak into this one.
  useEffect(() => setRefreshed(undefined), [loaded.value]);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    setRefreshError(undefined);
    try {
      setRefreshed(await api.refresh(ref));
    } catch (e) {
      setRefreshError(e as Error);
    } finally {
      setRefreshing(false);
    }
  }, [api, ref]);

  return {
    loading: loaded.loading,
    error: loaded.error,
    environments: loaded.value?.environments,
    matrix: refreshed ?? loaded.value?.matrix,
    refreshing,
    refreshError,
    refresh,
  };
}

/** The matrix's columns in the configured order of environments; unknown environments come last. */
export function orderedStates(
  environments: EnvironmentDefinition[],
  matrix: EnvironmentMatrix,
) {
  const position = new Map(environments.map((e, i) => [e.name, i]));
  return [...matrix.environments].sort(
    (a, b) =>
      (position.get(a.environment) ?? Number.MAX_SAFE_INTEGER) -
      (position.get(b.environment) ?? Number.MAX_SAFE_INTEGER),
  );
}
