import { WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';

/**
 * What a promotion into the target meets in its configuration (required variables missing, flags off
 * their plan…), before anyone requests or approves it; says whether the target refuses the request.
 */
export function PromotionGateNotice(props: {
  entityRef: string;
  environment: string;
  environmentTitle: string;
  /** Read again after every refusal. */
  reloads?: number;
}) {
  const { entityRef, environment, environmentTitle, reloads } = props;
  const api = useApi(environmentsApiRef);
  const { value: gate } = useAsync(
    () => api.getPromotionGate(parseEntityRef(entityRef), environment),
    [api, entityRef, environment, reloads],
  );
  if (!gate || gate.findings.length === 0) {
    return null;
  }
  const title = gate.blocks
    ? `${environmentTitle} refuses promotions while its configuration has these findings`
    : `${environmentTitle}'s configuration has findings; the request records them for the approvers`;
  return (
    <WarningPanel
      severity={gate.blocks ? 'error' : 'warning'}
      title={title}
      defaultExpanded
    >
      <ul aria-label={`Configuration findings of ${environment}`}>
        {gate.findings.map(f => (
          <li key={`${f.rule}:${f.subject}`}>{f.message}</li>
        ))}
      </ul>
    </WarningPanel>
  );
}
