import { Link, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EnvironmentState,
  PromotionRequest,
} from '@internal/backstage-plugin-environments-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { environmentsApiRef } from '../../api';
import { backendMessage } from '../BackendErrorPanel';
import { ShortDigest } from '../DigestCues';
import { displayRef } from '../FleetPage/refs';
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
  /** `changed`: a request was made. */
  onClose: (changed: boolean) => void;
}) {
  const { entityRef, source, target, targetTitle, owner, open } = props;
  const api = useApi(environmentsApiRef);
  const link = usePromotionLink();
  const [comment, setComment] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<PromotionRequest>();
  const onClose = () => props.onClose(created !== undefined);

  const submit = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      setCreated(
        await api.requestPromotion({
          entityRef,
          targetEnvironment: target.environment,
          comment: comment.trim() || undefined,
        }),
      );
    } catch (e) {
      setError(backendMessage(e as Error));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>
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
            <Preview source={source} target={target} owner={owner} />
            <TextField
              id="promotion-comment"
              label="Comment (optional)"
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
            disabled={submitting || !source.digest}
            onClick={submit}
          >
            {submitting ? 'Requesting…' : 'Request promotion'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
