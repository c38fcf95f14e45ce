import { Content, Header, InfoCard, Page } from '@backstage/core-components';
import { useParams } from 'react-router-dom';
import { PromotionRequestView } from './PromotionRequestView';

/** The request view of the route's `:id`, without a page shell (the new frontend system supplies it). */
export function PromotionContent() {
  const { id } = useParams();
  if (!id) {
    return null;
  }
  // On the card's white, the page's secondary text keeps its contrast.
  return (
    <InfoCard>
      <PromotionRequestView key={id} id={id} />
    </InfoCard>
  );
}

/** The request view as a standalone page, for the legacy frontend system. */
export function PromotionPage() {
  return (
    <Page themeId="tool">
      <Header title="Promotion request" />
      <Content>
        <PromotionContent />
      </Content>
    </Page>
  );
}
