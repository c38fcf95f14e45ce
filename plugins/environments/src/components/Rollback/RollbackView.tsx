import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { RollbackRecord } from '@internal/backstage-plugin-environments-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { BackendErrorPanel } from '../BackendErrorPanel';
import { RelativeTime, ShortDigest } from '../DigestCues';
import { displayRef } from '../FleetPage/refs';
import { POLL_INTERVAL_MS } from '../Promotion/PromotionRequestView';
import { RollbackResult } from './RollbackResult';

function Digest(props: {
  digest?: string;
  imageUri?: string;
  copyable?: boolean;
}) {
  const { digest, imageUri, copyable } = props;
  return digest ? (
    <ShortDigest digest={digest} imageUri={imageUri} copyable={copyable} />
  ) : (
    <>an unknown digest</>
  );
}

/** What a rollback changed, who asked and why, then how it went. */
function RollbackPanel(props: { record: RollbackRecord }) {
  const { record: r } = props;
  return (
    <Box>
      <Typography variant="h5" component="h2" gutterBottom>
        {displayRef(r.entityRef)}: {r.environment} back to version {r.toVersion}
      </Typography>
      <Typography variant="body2" component="div">
        {r.target.functionName} ({r.target.accountId}, {r.target.region}): live
        from version {r.fromVersion} (
        <Digest digest={r.fromDigest} copyable={false} />) to version{' '}
        {r.toVersion} (
        <Digest digest={r.toDigest} imageUri={r.toImageUri} />)
      </Typography>
      <Typography variant="body2" component="div" gutterBottom>
        Requested by {displayRef(r.requestedBy)}{' '}
        <RelativeTime value={r.requestedAt} />
        {r.comment ? `: “${r.comment}”` : ''}
      </Typography>
      {r.aliasStackName && r.intentionalDrift && (
        <Typography variant="body2" gutterBottom>
          The stack {r.aliasStackName} owns the live alias: it differs from the
          stack on purpose until the next promotion.
        </Typography>
      )}
      <RollbackResult record={r} />
    </Box>
  );
}

/** A rollback loaded by id, read again every 2 s while it runs. */
export function RollbackView(props: { id: string }) {
  const { id } = props;
  const api = useApi(environmentsApiRef);
  const [record, setRecord] = useState<RollbackRecord>();
  const [error, setError] = useState<Error>();

  const load = useCallback(async () => {
    try {
      setRecord(await api.getRollback(id));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, id]);

  useEffect(() => {
    load();
  }, [load]);

  const running = record?.status === 'running';
  useEffect(() => {
    if (!running) {
      return undefined;
    }
    const timer = setInterval(load, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [running, load]);

  if (error && !record) {
    return (
      <BackendErrorPanel error={error} action="Could not load the rollback" />
    );
  }
  if (!record) {
    return <Progress aria-label="Loading the rollback" />;
  }
  return <RollbackPanel record={record} />;
}
