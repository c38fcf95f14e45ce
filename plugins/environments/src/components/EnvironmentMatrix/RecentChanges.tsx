import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  PromotionRequest,
  RollbackRecord,
} from '@internal/backstage-plugin-environments-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { BackendErrorPanel } from '../BackendErrorPanel';
import { RelativeTime, ShortDigest } from '../DigestCues';
import { displayRef } from '../FleetPage/refs';
import {
  PromotionStatus,
  usePromotionLink,
  useRollbackLink,
} from '../Promotion';

/** How many changes the section shows: the newest. */
const RECENT = 20;

/** A promotion or a rollback of the service, as one row of its history. */
type ServiceChange =
  | { kind: 'promotion'; promotion: PromotionRequest }
  | { kind: 'rollback'; rollback: RollbackRecord };

function changeOf(change: ServiceChange): PromotionRequest | RollbackRecord {
  return change.kind === 'promotion' ? change.promotion : change.rollback;
}

// When it took effect (or ended otherwise); while it is under way, when it was asked for.
function when(change: ServiceChange): string {
  const record = changeOf(change);
  return record.finishedAt ?? record.requestedAt;
}

/** Promotions and rollbacks merged, newest first, the most recent only. */
function recentChanges(
  promotions: PromotionRequest[],
  rollbacks: RollbackRecord[],
): ServiceChange[] {
  const changes: ServiceChange[] = [
    ...promotions.map(promotion => ({ kind: 'promotion' as const, promotion })),
    ...rollbacks.map(rollback => ({ kind: 'rollback' as const, rollback })),
  ];
  const time = (change: ServiceChange) => Date.parse(when(change));
  return changes.sort((a, b) => time(b) - time(a)).slice(0, RECENT);
}

// The past tense only once the change took effect; the status column says where the others stand.
function PromotionWords(props: { promotion: PromotionRequest }) {
  const { promotion } = props;
  return (
    <>
      {promotion.status === 'succeeded' ? 'Promoted' : 'Promotion of'}{' '}
      <ShortDigest digest={promotion.digest} copyable={false} />{' '}
      {promotion.sourceEnvironment} → {promotion.targetEnvironment}
    </>
  );
}

function rollbackWords(rollback: RollbackRecord): string {
  return rollback.status === 'succeeded'
    ? `Rolled ${rollback.environment} back to version ${rollback.toVersion}`
    : `Rollback of ${rollback.environment} to version ${rollback.toVersion}`;
}

function who(change: ServiceChange): string {
  const requester = displayRef(changeOf(change).requestedBy);
  if (change.kind === 'rollback') {
    return requester;
  }
  const decisions = change.promotion.approvals.map(
    a => `${a.decision} by ${displayRef(a.approver)}`,
  );
  return [requester, ...decisions].join(', ');
}

/** Where each kind of change has its page, when the app mounts the Environments pages. */
interface ChangeLinks {
  promotion?: (id: string) => string;
  rollback?: (id: string) => string;
}

function ChangeWords(props: { change: ServiceChange; links: ChangeLinks }) {
  const { change, links } = props;
  const [words, link] =
    change.kind === 'rollback'
      ? [
          <>{rollbackWords(change.rollback)}</>,
          links.rollback?.(change.rollback.id),
        ]
      : [
          <PromotionWords promotion={change.promotion} />,
          links.promotion?.(change.promotion.id),
        ];
  return link ? <Link to={link}>{words}</Link> : words;
}

function ChangeRow(props: { change: ServiceChange; links: ChangeLinks }) {
  const { change, links } = props;
  const record = changeOf(change);
  return (
    <TableRow>
      <TableCell>
        <ChangeWords change={change} links={links} />
      </TableCell>
      <TableCell>{who(change)}</TableCell>
      <TableCell>
        <RelativeTime value={when(change)} />
      </TableCell>
      <TableCell>
        <PromotionStatus status={record.status} />
      </TableCell>
      <TableCell>{record.comment ? `“${record.comment}”` : ''}</TableCell>
    </TableRow>
  );
}

/**
 * "Recent changes": the service's latest promotions and rollbacks, newest first, saying what happened,
 * who did it, when, how it ended and why. Read again whenever `reloads` changes.
 */
export function RecentChanges(props: { entityRef: string; reloads?: number }) {
  const { entityRef, reloads } = props;
  const api = useApi(environmentsApiRef);
  const links = { promotion: usePromotionLink(), rollback: useRollbackLink() };
  const { error, value } = useAsync(async () => {
    const [promotions, rollbacks] = await Promise.all([
      api.listPromotions({ entityRef, limit: RECENT }),
      api.listRollbacks({ entityRef, limit: RECENT }),
    ]);
    return recentChanges(promotions, rollbacks);
  }, [api, entityRef, reloads]);

  let content: React.ReactNode;
  if (error) {
    content = (
      <BackendErrorPanel error={error} action="Could not load recent changes" />
    );
  } else if (!value) {
    // Only the first time: when read again, the rows shown stay until the new ones arrive.
    content = <Progress aria-label="Loading recent changes" />;
  } else if (value.length === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        No promotions or rollbacks of {displayRef(entityRef)} yet.
      </Typography>
    );
  } else {
    content = (
      <Table
        size="small"
        aria-label={`Recent changes of ${displayRef(entityRef)}`}
      >
        <TableHead>
          <TableRow>
            <TableCell>Change</TableCell>
            <TableCell>By</TableCell>
            <TableCell>When</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Comment</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.map(change => (
            <ChangeRow
              key={`${change.kind}:${changeOf(change).id}`}
              change={change}
              links={links}
            />
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <Box component="section" p={2} aria-labelledby="recent-changes-heading">
      <Typography variant="h6" component="h3" id="recent-changes-heading">
        Recent changes
      </Typography>
      {content}
    </Box>
  );
}
