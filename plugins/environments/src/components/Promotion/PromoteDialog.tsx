import { Link, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EnvironmentState,
  isImageDigest,
  PromotionRequest,
  PromotionWindowState,
  promotionWindowOverridePermission,
} from '@internal/backstage-plugin-environments-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { backendMessage } from '../BackendErrorPanel';
import { ShortDigest, formatAge, formatTimestamp } from '../DigestCues';
import { displayRef } from '../FleetPage/refs';
import { PromotionGateNotice } from '../Configuration';
import { useServicePermission } from '../ServicePermission';
import { PromotionRequestView } from './PromotionRequestView';
import { configDifferences } from './configDifferences';
import { usePromotionLink } from './usePromotionLink';

function primary(state: EnvironmentState) {
  return state.functions.find(f => f.primary) ?? state.functions[0];
}

function Preview(props: {
  source: EnvironmentState;
  target: EnvironmentState;
  owner?: string;
}) {
  const { source, target, owner } = props;
  const [from, to] = [primary(source), primary(target)];
  const differences =
    from && to ? configDifferences(from.configuration, to.configuration) : [];
  return (
    <>
      <Typography variant="body1" component="div" gutterBottom>
        Digest{' '}
        {target.digest ? (
          <ShortDigest digest={target.digest} copyable={false} />
        ) : (
          'none'
        )}{' '}
        →{' '}
        {source.digest ? (
          <ShortDigest digest={source.digest} copyable={false} />
        ) : (
          'none'
        )}
      </Typography>
      <Typography variant="body2" gutterBottom>
        Live version in {target.environment}: {target.liveVersion ?? 'none'};
        promoting version {source.liveVersion ?? 'unknown'} of{' '}
        {source.environment}
        {to ? ` into ${to.functionName}` : ''}.
      </Typography>
      <Typography variant="subtitle2" component="h3">
        Configuration differences
      </Typography>
      {differences.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          {from && to
            ? 'None: both functions are configured alike.'
            : 'Unknown: a function was not found in one of the environments.'}
        </Typography>
      ) : (
        <>
          <Typography variant="body2" color="textSecondary">
            A promotion changes only the image; these settings stay as they are
            in {target.environment}.
          </Typography>
          <Table size="small" aria-label="Configuration differences">
            <TableHead>
              <TableRow>
                <TableCell>Setting</TableCell>
                <TableCell>{source.environment}</TableCell>
                <TableCell>{target.environment}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {differences.map(d => (
                <TableRow key={d.setting}>
                  <TableCell>{d.setting}</TableCell>
                  <TableCell>{d.source}</TableCell>
                  <TableCell>{d.target}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
      <Typography variant="body2" style={{ marginTop: 16 }}>
        {owner
          ? `Approval required by the owners (${displayRef(owner)})`
          : 'Approval required by the owners'}{' '}
        unless {target.environment}'s policy names other approvers or needs
        none; the request shows who once it is made.
      </Typography>
    </>
  );
}

/**
 * Whether promotions into the target are closed now, read when the dialog opens and again after every
 * refusal (a window may have closed meanwhile). Undefined while unknown: the backend still decides.
 */
function useTargetWindow(
  environment: string,
  refusals: number,
): PromotionWindowState | undefined {
  const api = useApi(environmentsApiRef);
  const { value } = useAsync(
    async () =>
      (await api.getPromotionWindows()).find(
        w => w.environment === environment,
      ),
    [api, environment, refusals],
  );
  return value;
}

/**
 * The target's window is closed: says until when and why where known, and offers the override to users
 * the permission framework allows (the backend still checks).
 */
function ClosedWindow(props: {
  entityRef: string;
  targetTitle: string;
  windowState: PromotionWindowState;
  override: boolean;
  onOverrideChange: (override: boolean) => void;
}) {
  const { entityRef, targetTitle, windowState, override, onOverrideChange } =
    props;
  const mayOverride = useServicePermission(
    promotionWindowOverridePermission,
    entityRef,
    'override the closed promotion window of',
  );
  const { until, reason } = windowState;
  const opens = until
    ? ` until ${formatTimestamp(until)} (${formatAge(until)})`
    : '';
  return (
    <>
      <WarningPanel
        severity="warning"
        title={`Promotions into ${targetTitle} are closed${opens}${
          reason ? `: ${reason}` : ''
        }`}
      />
      {mayOverride.allowed ? (
        <FormControlLabel
          control={
            <Checkbox
              checked={override}
              onChange={e => onOverrideChange(e.target.checked)}
            />
          }
          label="Override the closed window"
        />
      ) : (
        <Typography variant="body2" color="textSecondary">
          {mayOverride.deniedReason}
        </Typography>
      )}
    </>
  );
}

/**
 * "Promote to <env>": shows what the promotion changes before it is requested, then the request as
 * the backend made it.
 */
export function PromoteDialog(props: {
  entityRef: string;
  source: EnvironmentState;
  target: EnvironmentState;
  targetTitle: string;
  owner?: string;
  open: boolean;
  /**
   * `changed`: a request was made, or refused: a refusal (the source moved on, another request is open)
   * means the page may show what no longer holds, so it is read again.
   */
  onClose: (changed: boolean) => void;
}) {
  const { entityRef, source, target, targetTitle, owner, open } = props;
  const api = useApi(environmentsApiRef);
  const titleId = useId();
  const link = usePromotionLink();
  const [comment, setComment] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<PromotionRequest>();
  const [refusals, setRefusals] = useState(0);
  const targetWindow = useTargetWindow(target.environment, refusals);
  const [override, setOverride] = useState(false);
  const onClose = () => props.onClose(created !== undefined || refusals > 0);
  const closedWindow = targetWindow?.closed ? targetWindow : undefined;
  // The override is recorded and audited: it needs a reason.
  const missingComment = override && !comment.trim();

  const submit = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      setCreated(
        await api.requestPromotion({
          entityRef,
          targetEnvironment: target.environment,
          // What the preview shows is what is promoted: the backend refuses if the source moved on.
          digest:
            source.digest && isImageDigest(source.digest)
              ? source.digest
              : undefined,
          comment: comment.trim() || undefined,
          overrideWindow: override || undefined,
        }),
      );
    } catch (e) {
      setError(backendMessage(e as Error));
      setRefusals(n => n + 1);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby={titleId}
    >
      <DialogTitle id={titleId}>
        Promote {source.environment} to {targetTitle}
      </DialogTitle>
      <DialogContent>
        {created ? (
          <>
            {link && (
              <Typography variant="body2" gutterBottom>
                <Link to={link(created.id)}>Open the request page</Link>
              </Typography>
            )}
            <PromotionRequestView id={created.id} initial={created} />
          </>
        ) : (
          <>
            {error && (
              <WarningPanel
                severity="error"
                title={`The promotion could not be requested: ${error}`}
              />
            )}
            {closedWindow && (
              <ClosedWindow
                entityRef={entityRef}
                targetTitle={targetTitle}
                windowState={closedWindow}
                override={override}
                onOverrideChange={setOverride}
              />
            )}
            <PromotionGateNotice
              entityRef={entityRef}
              environment={target.environment}
              environmentTitle={targetTitle}
              reloads={refusals}
            />
            <Preview source={source} target={target} owner={owner} />
            <TextField
              id="promotion-comment"
              label={
                override
                  ? 'Comment (required to override the window)'
                  : 'Comment (optional)'
              }
              helperText={
                override
                  ? 'The override is recorded with your name and this comment, and audited.'
                  : undefined
              }
              fullWidth
              multiline
              minRows={2}
              margin="normal"
              variant="outlined"
              value={comment}
              onChange={e => setComment(e.target.value)}
            />
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{created ? 'Close' : 'Cancel'}</Button>
        {!created && (
          <Button
            color="primary"
            variant="contained"
            disabled={submitting || !source.digest || missingComment}
            onClick={submit}
          >
            {submitting ? 'Requesting…' : 'Request promotion'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
