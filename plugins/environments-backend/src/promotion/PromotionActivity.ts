import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { StepSubject, PromotionStore } from './PromotionStore';

/** One thing that happened to a promotion or rollback. */
export interface ActivityEvent {
  subject: StepSubject;
  entityRef: string;
  /** History event name, e.g. `approved`; the audit event id is `<subject type>-<event>`. */
  event: string;
  actor?: string;
  detail?: string;
  at: string;
  /** Extra audit metadata. */
  meta?: JsonObject;
  /** Audit severity; writes to AWS are `high`, decisions `medium`. */
  severity?: 'low' | 'medium' | 'high' | 'critical';
  /** When set, the audit event is recorded as failed with this error. */
  error?: Error;
}

/** A notification to users about a promotion or rollback. */
export interface ActivityNotification {
  /** User or group entity refs. */
  recipients: string[];
  /** Never notified (e.g. the one who acted). */
  exclude?: string;
  title: string;
  description: string;
  link: string;
  /** Same scope: the notification updates in place instead of piling up. */
  scope: string;
  topic: string;
  severity?: 'critical' | 'high' | 'normal' | 'low';
}

/** Events after which AWS runs something else than before: the service's matrix is worth re-reading. */
const SETTLED_EVENTS = new Set(['succeeded', 'failed', 'rolled-back']);

/**
 * Records what happens to promotions and rollbacks three ways: a history row users see in the API, an
 * auditor event for the audit log, and Backstage notifications to the people concerned. Notification
 * failures are logged, never fatal: the change they report has already happened.
 */
export class PromotionActivity {
  constructor(
    private readonly options: {
      store: PromotionStore;
      auditor?: AuditorService;
      notifications?: NotificationService;
      logger: LoggerService;
      /** Told when a promotion or rollback has finished changing AWS, e.g. to re-read the service. */
      onSettled?: (entityRef: string) => Promise<unknown>;
    },
  ) {}

  async record(event: ActivityEvent): Promise<void> {
    const { store, auditor, onSettled, logger } = this.options;
    await store.addEvent(event.subject, event.entityRef, {
      at: event.at,
      event: event.event,
      actor: event.actor,
      detail: event.detail,
    });
    if (onSettled && SETTLED_EVENTS.has(event.event)) {
      // In the background: the change is done and recorded; a failed re-read only delays the matrix.
      onSettled(event.entityRef).catch(error =>
        logger.warn(
          `Could not refresh ${event.entityRef} after its ${event.subject.type} ${event.event}: ${error}`,
        ),
      );
    }
    if (!auditor) {
      return;
    }
    const meta: JsonObject = {
      [`${event.subject.type}Id`]: event.subject.id,
      entityRef: event.entityRef,
      ...(event.actor ? { actor: event.actor } : {}),
      ...(event.detail ? { detail: event.detail } : {}),
      ...event.meta,
    };
    const audit = await auditor.createEvent({
      eventId: `${event.subject.type}-${event.event}`,
      severityLevel: event.severity ?? 'medium',
      meta,
    });
    if (event.error) {
      await audit.fail({ error: event.error });
    } else {
      await audit.success();
    }
  }

  async notify(notification: ActivityNotification): Promise<void> {
    const { notifications, logger } = this.options;
    const recipients = [...new Set(notification.recipients)].filter(
      r => r !== notification.exclude,
    );
    if (!notifications || recipients.length === 0) {
      return;
    }
    try {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: recipients,
          ...(notification.exclude
            ? { excludeEntityRef: notification.exclude }
            : {}),
        },
        payload: {
          title: notification.title,
          description: notification.description,
          link: notification.link,
          scope: notification.scope,
          topic: notification.topic,
          severity: notification.severity ?? 'normal',
        },
      });
    } catch (error) {
      logger.warn(
        `Could not send the notification '${notification.title}': ${error}`,
      );
    }
  }
}
