import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  PromotionRequest,
  isFinalPromotionState,
} from '@internal/backstage-plugin-environments-common';
import { useCallback, useEffect, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { BackendErrorPanel, backendMessage } from '../BackendErrorPanel';
import { PromotionRequestPanel } from './PromotionRequestPanel';
import { useSignedInUser } from './useSignedInUser';

/** How often an open request is read again while it runs or waits to run. */
export const POLL_INTERVAL_MS = 2000;

/**
 * A promotion request loaded by id (or starting from one just created), read again every 2 s while
 * approved or running so its steps show progress, with the user's actions on it.
 */
export function PromotionRequestView(props: {
  id: string;
  initial?: PromotionRequest;
}) {
  const { id, initial } = props;
  const api = useApi(environmentsApiRef);
  const user = useSignedInUser();
  const [promotion, setPromotion] = useState<PromotionRequest | undefined>(
    initial,
  );
  const [loadError, setLoadError] = useState<Error>();
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setPromotion(await api.getPromotion(id));
      setLoadError(undefined);
    } catch (e) {
      setLoadError(e as Error);
    }
  }, [api, id]);

  useEffect(() => {
    if (!initial) {
      load();
    }
  }, [initial, load]);

  const status = promotion?.status;
  useEffect(() => {
    if (status !== 'running' && status !== 'approved') {
      return undefined;
    }
    const timer = setInterval(load, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [status, load]);

  const run = useCallback((action: () => Promise<void>) => {
    setBusy(true);
    setActionError(undefined);
    action()
      .catch(e => setActionError(backendMessage(e as Error)))
      .finally(() => setBusy(false));
  }, []);

  if (!promotion) {
    return loadError ? (
      <BackendErrorPanel
        error={loadError}
        action="Could not load the promotion request"
      />
    ) : (
      <Progress aria-label="Loading the promotion request" />
    );
  }
  return (
    <>
      {loadError && !isFinalPromotionState(promotion.status) && (
        <BackendErrorPanel
          error={loadError}
          action="Could not read the latest state"
        />
      )}
      <PromotionRequestPanel
        promotion={promotion}
        user={user}
        busy={busy}
        run={run}
        actionError={actionError}
        actions={{
          approve: async comment =>
            setPromotion(await api.approvePromotion(id, comment)),
          reject: async comment =>
            setPromotion(await api.rejectPromotion(id, comment)),
          cancel: async () => setPromotion(await api.cancelPromotion(id)),
        }}
      />
    </>
  );
}
