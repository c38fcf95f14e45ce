import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PromotionApproval,
  PromotionStep,
} from '@internal/backstage-plugin-environments-common';

/** What the actions follow while they wait: a promotion request or a rollback record. */
export interface TrackedRequest {
  status: string;
  /** Why the request is in its status, in words. */
  statusReason?: string;
  steps?: PromotionStep[];
  approvals?: PromotionApproval[];
}

/** States after which nothing more happens to a request; only `succeeded` is a success. */
const UNSUCCESSFUL_END_STATES = new Set([
  'failed',
  'rolled-back',
  'rejected',
  'expired',
  'cancelled',
]);

/** States that mean a request has been approved (or needed no approval) and goes on. */
const APPROVED_STATES = new Set(['approved', 'running', 'succeeded']);

const CANCELLED =
  'The task was cancelled while waiting; the request stays as it is in the backend';

/** What to wait for: approval (or anything after it), or the end of the execution. */
export type WaitTarget = 'approval' | 'completion';

/** Tells apart what the log has already said about a request, so that each change is logged once. */
export class RequestLog<T extends TrackedRequest> {
  private status?: string;
  private readonly seenSteps = new Set<string>();
  private readonly seenApprovals = new Set<string>();

  constructor(
    private readonly logger: LoggerService,
    private readonly label: string,
  ) {}

  /** Logs a state change, every new approval or rejection and every step whose result is new. */
  record(request: T) {
    for (const approval of request.approvals ?? []) {
      const key = `${approval.approver}|${approval.decidedAt}`;
      if (!this.seenApprovals.has(key)) {
        this.seenApprovals.add(key);
        this.logger.info(
          `${this.label}: ${approval.decision} by ${approval.approver}${
            approval.comment ? ` ("${approval.comment}")` : ''
          }`,
        );
      }
    }
    for (const step of request.steps ?? []) {
      const key = `${step.sequence}|${step.name}|${step.status}`;
      if (!this.seenSteps.has(key)) {
        this.seenSteps.add(key);
        const note = step.error ?? step.detail;
        this.logger.info(
          `${this.label}: step ${step.name} ${step.status} at ${
            step.finishedAt ?? step.startedAt
          }${note ? `: ${note}` : ''}`,
        );
      }
    }
    if (request.status !== this.status) {
      this.logger.info(
        this.status === undefined
          ? `${this.label}: ${request.status}`
          : `${this.label}: ${this.status} → ${request.status}`,
      );
      this.status = request.status;
    }
  }
}

/**
 * Reads a request until it reaches what the caller waits for, logging each change. Returns the request
 * when it got there; throws when it ended another way (rejected, failed, …), when the time is up or when
 * the task is cancelled. The request itself is never changed: a timeout leaves it open in the backend.
 */
export async function followRequest<T extends TrackedRequest>(options: {
  initial: T;
  read: () => Promise<T>;
  until: WaitTarget;
  log: RequestLog<T>;
  label: string;
  url: string;
  pollIntervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<T> {
  const { read, until, log, label, url, pollIntervalMs, timeoutMs, signal } =
    options;
  const deadline = Date.now() + timeoutMs;
  let request = options.initial;
  for (;;) {
    log.record(request);
    if (
      request.status === 'succeeded' ||
      (until === 'approval' && APPROVED_STATES.has(request.status))
    ) {
      return request;
    }
    if (UNSUCCESSFUL_END_STATES.has(request.status)) {
      throw new Error(
        `${label} ended ${request.status}${
          request.statusReason ? `: ${request.statusReason}` : ''
        }. See ${url}`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${label} was still ${request.status} after ${formatMinutes(
          timeoutMs,
        )}; it stays open in the backend. See ${url}`,
      );
    }
    await sleep(
      Math.min(pollIntervalMs, Math.max(deadline - Date.now(), 0)),
      signal,
    );
    try {
      request = await read();
    } catch (error) {
      if (signal?.aborted) throw new Error(CANCELLED);
      throw error;
    }
  }
}

function formatMinutes(ms: number): string {
  const minutes = ms / 60_000;
  return `${Number.isInteger(minutes) ? minutes : minutes.toFixed(2)} minute${
    minutes === 1 ? '' : 's'
  }`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error(CANCELLED));
      return;
    }
    let onAbort = () => {};
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    onAbort = () => {
      clearTimeout(timer);
      reject(new Error(CANCELLED));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
