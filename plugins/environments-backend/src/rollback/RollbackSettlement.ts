import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ownerRefs } from '../catalog/Approvers';
import { getCatalogEntity } from '../catalog/entityRefs';
import { defaultRollbackLink } from '../promotion/lifecycle';
import { PromotionActivity } from '../promotion/PromotionActivity';
import { StoredRollback } from '../promotion/PromotionStore';
import { StepRunner } from '../steps/StepRunner';
import { RollbackLeases } from './RollbackLeases';

/**
 * How a rollback ends: its status recorded (only by the instance holding its lease), audited, and told
 * to the requester and the service's owners; drift from a stack owning the alias marked intentional.
 */
export class RollbackSettlement {
  constructor(
    private readonly options: {
      leases: RollbackLeases;
      activity: PromotionActivity;
      runner: StepRunner;
      catalog: CatalogService;
      auth: AuthService;
      rollbackLink?: (id: string) => string;
    },
  ) {}

  async finish(
    record: StoredRollback,
    status: 'succeeded' | 'failed',
    reason: string,
    error?: Error,
  ): Promise<void> {
    const { leases, activity, runner } = this.options;
    const at = runner.now().toISOString();
    const intentionalDrift = status === 'succeeded' && !!record.aliasStackName;
    const settled = await leases.settle(record.id, runner.instanceId, {
      status,
      statusReason: reason,
      finishedAt: at,
      intentionalDrift,
    });
    if (!settled) {
      return;
    }
    await activity.record({
      subject: { type: 'rollback', id: record.id },
      entityRef: record.entityRef,
      event: status,
      actor: record.requestedBy,
      at,
      detail: reason,
      severity: status === 'succeeded' ? 'high' : 'critical',
      error,
    });
    const entity = await getCatalogEntity(this.options, record.entityRef).catch(
      () => undefined,
    );
    await activity.notify({
      recipients: [record.requestedBy, ...(entity ? ownerRefs(entity) : [])],
      exclude: record.requestedBy,
      title: `Rollback ${status}: ${record.entityRef.split('/').pop()} in ${
        record.environment
      }`,
      description: `${record.requestedBy}: version ${record.fromVersion} → ${record.toVersion}. ${reason}`,
      link: (this.options.rollbackLink ?? defaultRollbackLink)(record.id),
      scope: `rollback:${record.id}`,
      topic: 'environments-rollback',
      severity: status === 'succeeded' ? 'normal' : 'high',
    });
  }
}
