import { WarningPanel } from '@backstage/core-components';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import {
  PromotionRequest,
  promotionApprovePermission,
  promotionRequestPermission,
} from '@internal/backstage-plugin-environments-common';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import {
  formatAge,
  formatTimestamp,
  RelativeTime,
  ShortDigest,
} from '../DigestCues';
import { displayRef } from '../FleetPage/refs';
import { ExplainedButton, useServicePermission } from '../ServicePermission';
import { ExecutionSteps } from './ExecutionSteps';
import { PromotionStatus } from './PromotionStatus';
import { SignedInUser, mayCancel, whyCannotDecide } from './approvalRights';

/** What the user can do on a request; each returns when the backend answered. */
export interface PromotionActions {
  approve(comment?: string): Promise<void>;
  reject(comment?: string): Promise<void>;
  cancel(): Promise<void>;
}

// The backend words the missing approvals with raw refs; they are shown here as entity links instead.
const MISSING_APPROVALS = /^\d+ more approvals? from members of /;

/** What a request still waits for: approvals (the approvers and the requester as entity links), windows. */
function MissingList(props: { promotion: PromotionRequest }) {
  const { policy, requestedBy } = props.promotion;
  const needed = policy.approvalsRequired - policy.approvalsGiven;
  const waitsForApprovals = policy.missing.some(m => MISSING_APPROVALS.test(m));
  const others = policy.missing.filter(m => !MISSING_APPROVALS.test(m));
  if (!waitsForApprovals && others.length === 0) {
    return null;
  }
  return (
    <List dense aria-label="Still missing">
      {waitsForApprovals && (
        <ListItem>
          <ListItemText
            primary={
              <>
                Missing: {needed} more approval{needed === 1 ? '' : 's'} from
                members of{' '}
                <EntityRefLinks
                  entityRefs={policy.approvers}
                  defaultKind="group"
                  hideIcons
                />{' '}
                (not <EntityRefLink entityRef={requestedBy} hideIcon />)
              </>
            }
          />
        </ListItem>
      )}
      {others.map(m => (
        <ListItem key={m}>
          <ListItemText primary={`Missing: ${m}`} />
        </ListItem>
      ))}
    </List>
  );
}

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <Box mt={2}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function Decision(props: {
  promotion: PromotionRequest;
  user?: SignedInUser;
  actions?: PromotionActions;
  busy: boolean;
  run: (action: () => Promise<void>) => void;
}) {
  const { promotion, user, actions, busy, run } = props;
  const [comment, setComment] = useState('');
  const decidePermission = useServicePermission(
    promotionApprovePermission,
    promotion.entityRef,
    'approve or reject promotions of',
  );
  // The backend lets only those who may request promotions of the service cancel them.
  const cancelPermission = useServicePermission(
    promotionRequestPermission,
    promotion.entityRef,
    'cancel promotions of',
  );
  if (!actions || !user) {
    return null;
  }
  const reason =
    whyCannotDecide(promotion, user) ?? decidePermission.deniedReason;
  const open = promotion.status === 'requested';
  const decidable = open && promotion.policy.requiresApproval;
  // A request that is over leaves nothing to decide: no empty section.
  if (!decidable && !mayCancel(promotion, user)) {
    return null;
  }
  return (
    <Section title="Your decision">
      {decidable && (
        <TextField
          id="decision-comment"
          label="Comment (optional)"
          fullWidth
          multiline
          minRows={2}
          margin="dense"
          variant="outlined"
          value={comment}
          disabled={!decidePermission.allowed || !!reason || busy}
          onChange={e => setComment(e.target.value)}
        />
      )}
      <Box display="flex" alignItems="center" style={{ gap: 8 }} mt={1}>
        {decidable && (
          <>
            <ExplainedButton
              variant="contained"
              color="primary"
              disabled={!decidePermission.allowed || busy}
              disabledReason={reason}
              onClick={() => run(() => actions.approve(comment || undefined))}
            >
              Approve
            </ExplainedButton>
            <ExplainedButton
              variant="outlined"
              disabled={!decidePermission.allowed || busy}
              disabledReason={reason}
              onClick={() => run(() => actions.reject(comment || undefined))}
            >
              Reject
            </ExplainedButton>
          </>
        )}
        {mayCancel(promotion, user) && (
          <ExplainedButton
            variant="outlined"
            color="secondary"
            disabled={!cancelPermission.allowed || busy}
            disabledReason={cancelPermission.deniedReason}
            onClick={() => run(() => actions.cancel())}
          >
            Cancel request
          </ExplainedButton>
        )}
      </Box>
      {reason && open && (
        <Typography variant="body2" color="textSecondary" role="note">
          {reason}
        </Typography>
      )}
    </Section>
  );
}

/**
 * A promotion request: what it moves where, who approved, what is missing, and how its execution
 * went; with approve/reject/cancel for those who may.
 */
export function PromotionRequestPanel(props: {
  promotion: PromotionRequest;
  user?: SignedInUser;
  actions?: PromotionActions;
  /** The backend's message when the last action failed. */
  actionError?: string;
  busy?: boolean;
  run?: (action: () => Promise<void>) => void;
}) {
  const { promotion: p, user, actions, actionError, busy = false } = props;
  const run = props.run ?? (action => void action());
  const { policy } = p;
  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <Typography variant="h5" component="h2">
          {displayRef(p.entityRef)}: {p.sourceEnvironment} →{' '}
          {p.targetEnvironment}
        </Typography>
        <PromotionStatus status={p.status} />
      </Box>
      {p.statusReason && (
        <Typography variant="body2" color="textSecondary">
          {p.statusReason}
        </Typography>
      )}
      {p.sourceMovedOn && (
        <WarningPanel
          severity="warning"
          title={`The source has moved on: ${p.sourceEnvironment} now runs ${
            p.sourceCurrentDigest ?? 'another digest'
          }`}
          message={`This request still promotes ${p.digest}, the digest ${p.sourceEnvironment} ran when it was made.`}
        />
      )}
      {p.windowOverride && (
        <WarningPanel
          severity="info"
          title={`Requested while promotions into ${
            p.targetEnvironment
          } were closed: ${displayRef(
            p.windowOverride.by,
          )} overrode the window ${formatAge(
            p.windowOverride.at,
          )} (${formatTimestamp(p.windowOverride.at)})`}
          message={
            p.windowOverride.reason
              ? `The window was closed for: ${p.windowOverride.reason}.`
              : undefined
          }
        />
      )}
      {p.warnings.map(w => (
        <WarningPanel key={w} severity="warning" title={w} />
      ))}
      {actionError && <WarningPanel severity="error" title={actionError} />}

      <Section title="What changes">
        <Typography variant="body2" component="div">
          Digest{' '}
          {p.previousDigest ? (
            <ShortDigest digest={p.previousDigest} copyable={false} />
          ) : (
            'unknown'
          )}{' '}
          → <ShortDigest digest={p.digest} imageUri={p.imageUri} /> in{' '}
          {p.target.functionName} ({p.target.accountId}, {p.target.region})
        </Typography>
        <Typography variant="body2">
          From version {p.sourceVersion} of {p.sourceEnvironment}
          {p.publishedVersion
            ? `, published as version ${p.publishedVersion} in ${p.targetEnvironment}`
            : ''}
        </Typography>
        <Typography variant="body2">
          Requested by <EntityRefLink entityRef={p.requestedBy} hideIcon />{' '}
          <RelativeTime value={p.requestedAt} />
          {p.comment ? `: “${p.comment}”` : ''}
        </Typography>
      </Section>

      <Section title="Approvals">
        {policy.requiresApproval ? (
          <Typography variant="body2">
            {policy.approvalsGiven} of {policy.approvalsRequired} approvals from
            members of{' '}
            <EntityRefLinks
              entityRefs={policy.approvers}
              defaultKind="group"
              hideIcons
            />
          </Typography>
        ) : (
          <Typography variant="body2">
            Promotions into {p.targetEnvironment} need no approval.
          </Typography>
        )}
        <MissingList promotion={p} />
        {p.approvals.length > 0 && (
          <List dense aria-label="Decisions">
            {p.approvals.map(a => (
              <ListItem key={`${a.approver}-${a.decidedAt}`}>
                <ListItemText
                  primary={
                    <>
                      <EntityRefLink entityRef={a.approver} hideIcon />{' '}
                      {`${a.decision}${a.expired ? ' (expired)' : ''}${
                        a.comment ? `: “${a.comment}”` : ''
                      }`}
                    </>
                  }
                  secondary={<RelativeTime value={a.decidedAt} />}
                />
              </ListItem>
            ))}
          </List>
        )}
      </Section>

      <Decision
        promotion={p}
        user={user}
        actions={actions}
        busy={busy}
        run={run}
      />

      <Section title="Execution">
        <ExecutionSteps steps={p.steps} />
      </Section>
    </Box>
  );
}
