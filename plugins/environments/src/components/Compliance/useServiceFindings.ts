import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useCallback, useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ServiceFindings, environmentsApiRef } from '../../api';

/** A service's findings, and a way to run the CloudFormation drift check now. */
export interface ServiceFindingsState {
  loading: boolean;
  error?: Error;
  findings?: ServiceFindings;
  checking: boolean;
  checkError?: Error;
  checkDrift: () => Promise<void>;
}

/**
 * Loads an entity's drift and compliance findings; loads them again whenever `reloadKey` changes
 * (the matrix after a refresh: the backend evaluated the service again).
 */
export function useServiceFindings(
  entity: Entity,
  reloadKey?: unknown,
): ServiceFindingsState {
  const api = useApi(environmentsApiRef);
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const loaded = useAsync(
    () => api.getFindings(ref),
    [api, ref.kind, ref.namespace, ref.name, reloadKey],
  );
  const [checked, setChecked] = useState<ServiceFindings>();
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<Error>();

  // Newly loaded findings are newer than those of an earlier drift check.
  useEffect(() => setChecked(undefined), [loaded.value]);

  const checkDrift = useCallback(async () => {
    setChecking(true);
    setCheckError(undefined);
    try {
      setChecked(await api.checkDrift(ref));
    } catch (e) {
      setCheckError(e as Error);
    } finally {
      setChecking(false);
    }
  }, [api, ref]);

  return {
    loading: loaded.loading && !loaded.value,
    error: loaded.error,
    findings: checked ?? loaded.value,
    checking,
    checkError,
    checkDrift,
  };
}
