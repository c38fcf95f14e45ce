import {
  Content,
  EmptyState,
  Header,
  Link,
  Page,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { PromotionRequest } from '@internal/backstage-plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { BackendErrorPanel } from '../BackendErrorPanel';
import { RelativeTime, ShortDigest } from '../DigestCues';
import { displayRef } from '../FleetPage/refs';
import { usePromotionLink } from '../Promotion';

/** The promotion requests awaiting the signed-in user's approval, without a page shell. */
export function ApprovalsContent() {
  const api = useApi(environmentsApiRef);
  const link = usePromotionLink();
  const { loading, error, value } = useAsync(
    () => api.listPromotions({ awaitingMyApproval: true }),
    [api],
  );
  if (loading) {
    return (
      <Progress aria-label="Loading the requests awaiting your approval" />
    );
  }
  if (error) {
    return (
      <BackendErrorPanel
        error={error}
        action="Could not load the requests awaiting your approval"
      />
    );
  }
  const items = value ?? [];
  if (items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="Nothing awaits your approval"
        description="Promotion requests you may approve appear here."
      />
    );
  }
  const columns: TableColumn<PromotionRequest>[] = [
    {
      title: 'Service',
      render: p =>
        link ? (
          <Link to={link(p.id)}>{displayRef(p.entityRef)}</Link>
        ) : (
          displayRef(p.entityRef)
        ),
    },
    {
      title: 'Promotion',
      render: p => `${p.sourceEnvironment} → ${p.targetEnvironment}`,
    },
    {
      title: 'Digest',
      render: p => <ShortDigest digest={p.digest} copyable={false} />,
    },
    { title: 'Requested by', render: p => displayRef(p.requestedBy) },
    { title: 'Requested', render: p => <RelativeTime value={p.requestedAt} /> },
    {
      title: 'Approvals',
      render: p =>
        `${p.policy.approvalsGiven} of ${p.policy.approvalsRequired}`,
    },
  ];
  return (
    <Table
      title="Awaiting your approval"
      // Draggable column heads would put a drag handle (a button) inside each sort button.
      options={{ paging: false, search: false, draggable: false }}
      columns={columns}
      data={items}
    />
  );
}

/** The approvals list as a standalone page, for the legacy frontend system. */
export function ApprovalsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Approvals"
        subtitle="Promotion requests awaiting your approval"
      />
      <Content>
        <ApprovalsContent />
      </Content>
    </Page>
  );
}
