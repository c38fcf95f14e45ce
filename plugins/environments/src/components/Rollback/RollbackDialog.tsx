import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  FunctionVersionSummary,
  RollbackRecord,
} from '@internal/backstage-plugin-environments-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { BackendErrorPanel, backendMessage } from '../BackendErrorPanel';
import { RelativeTime, ShortDigest } from '../DigestCues';
import { POLL_INTERVAL_MS } from '../Promotion/PromotionRequestView';
import { RollbackResult } from './RollbackResult';
import { parseEntityRef } from '@backstage/catalog-model';

/** The version a rollback goes back to unless the user chooses: the newest one older than the live one. */
export function defaultRollbackVersion(
  versions: FunctionVersionSummary[],
): string | undefined {
  const live = versions.find(v => v.isLive);
  const older = versions
    .filter(v => !v.isLive)
    .filter(v => !live || Number(v.version) < Number(live.version))
    .sort((a, b) => Number(b.version) - Number(a.version));
  return older[0]?.version ?? versions.find(v => !v.isLive)?.version;
}

function VersionLabel(props: { version: FunctionVersionSummary }) {
  const { version: v } = props;
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <span>Version {v.version}</span>
      {v.digest && <ShortDigest digest={v.digest} copyable={false} />}
      {v.isLive && <strong>live now</strong>}
      {v.liveFrom && (
        <Typography variant="body2" color="textSecondary" component="span">
          live from <RelativeTime value={v.liveFrom} />
          {v.liveUntil ? (
            <>
              {' '}
              until <RelativeTime value={v.liveUntil} />
            </>
          ) : null}
        </Typography>
      )}
      {!v.liveFrom && v.publishedAt && (
        <Typography variant="body2" color="textSecondary" component="span">
          <RelativeTime prefix="published" value={v.publishedAt} />
        </Typography>
      )}
    </Box>
  );
}

/** "Roll back": choose an earlier published version of an environment, see the warnings, confirm. */
export function RollbackDialog(props: {
  entityRef: string;
  environment: string;
  environmentTitle: string;
  open: boolean;
  /** `changed`: a rollback was made. */
  onClose: (changed: boolean) => void;
}) {
  const { entityRef, environment, environmentTitle, open } = props;
  const api = useApi(environmentsApiRef);
  const titleId = useId();
  const versions = useAsync(
    async () =>
      open
        ? api.listVersions(parseEntityRef(entityRef), environment)
        : undefined,
    [api, entityRef, environment, open],
  );
  const [chosen, setChosen] = useState<string>();
  const [comment, setComment] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [record, setRecord] = useState<RollbackRecord>();

  useEffect(() => {
    if (versions.value) {
      setChosen(defaultRollbackVersion(versions.value));
    }
  }, [versions.value]);

  // A dry run says what the backend would warn about (e.g. a stack owning the alias) before acting.
  const plan = useAsync(
    async () =>
      chosen
        ? api.requestRollback({
            entityRef,
            environment,
            targetVersion: chosen,
            dryRun: true,
          })
        : undefined,
    [api, entityRef, environment, chosen],
  );

  // The backend answers a rollback that takes long (e.g. AWS throttling) as running: read it again until it ends.
  useEffect(() => {
    if (record?.status !== 'running' || !record.id) {
      return undefined;
    }
    const timer = setInterval(async () => {
      try {
        setRecord(await api.getRollback(record.id));
      } catch (e) {
        setError(backendMessage(e as Error));
      }
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [api, record?.status, record?.id]);

  const submit = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      setRecord(
        await api.requestRollback({
          entityRef,
          environment,
          targetVersion: chosen,
          comment: comment.trim() || undefined,
        }),
      );
    } catch (e) {
      setError(backendMessage(e as Error));
    } finally {
      setSubmitting(false);
    }
  };

  const onClose = () => props.onClose(record !== undefined);

  let content: React.ReactNode;
  if (record) {
    content = <RollbackResult record={record} />;
  } else if (versions.loading) {
    content = <Progress aria-label="Loading the published versions" />;
  } else if (versions.error) {
    content = (
      <BackendErrorPanel
        error={versions.error}
        action="Could not load the published versions"
      />
    );
  } else {
    const items = versions.value ?? [];
    content = (
      <>
        {items.every(v => v.isLive) ? (
          <Typography variant="body2">
            No earlier published version to roll back to.
          </Typography>
        ) : (
          <RadioGroup
            aria-label="Version to make live"
            value={chosen ?? ''}
            onChange={e => setChosen(e.target.value)}
          >
            {items.map(v => (
              <FormControlLabel
                key={v.version}
                value={v.version}
                disabled={v.isLive}
                control={<Radio color="primary" />}
                label={<VersionLabel version={v} />}
              />
            ))}
          </RadioGroup>
        )}
        {plan.value?.warnings.map(w => (
          <WarningPanel key={w} severity="warning" title={w} />
        ))}
        {plan.error && (
          <WarningPanel
            severity="error"
            title={`This rollback would fail: ${backendMessage(plan.error)}`}
          />
        )}
        <TextField
          id="rollback-comment"
          label="Comment (optional)"
          fullWidth
          margin="normal"
          variant="outlined"
          value={comment}
          onChange={e => setComment(e.target.value)}
        />
      </>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby={titleId}
    >
      <DialogTitle id={titleId}>Roll back {environmentTitle}</DialogTitle>
      <DialogContent>
        {error && (
          <WarningPanel
            severity="error"
            title={`The rollback failed: ${error}`}
          />
        )}
        {content}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{record ? 'Close' : 'Cancel'}</Button>
        {!record && (
          <Button
            color="secondary"
            variant="contained"
            disabled={submitting || !chosen}
            onClick={submit}
          >
            {submitting
              ? 'Rolling back…'
              : `Roll back to version ${chosen ?? '…'}`}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
