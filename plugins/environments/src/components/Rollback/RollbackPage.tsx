import { Content, Header, InfoCard, Page } from '@backstage/core-components';
import { useParams } from 'react-router-dom';
import { RollbackView } from './RollbackView';

/** The rollback of the route's `:id`, without a page shell (the new frontend system supplies it). */
export function RollbackContent() {
  const { id } = useParams();
  return id ? (
    <InfoCard>
      <RollbackView key={id} id={id} />
    </InfoCard>
  ) : null;
}

/** The rollback as a standalone page, for the legacy frontend system. */
export function RollbackPage() {
  return (
    <Page themeId="tool">
      <Header title="Rollback" />
      <Content>
        <RollbackContent />
      </Content>
    </Page>
  );
}
