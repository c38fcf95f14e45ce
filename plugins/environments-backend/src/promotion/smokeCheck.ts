import { SmokeCheckConfig } from './config';

/** What a smoke check found. */
export interface SmokeCheckResult {
  ok: boolean;
  /** e.g. `GET https://… answered 200 on attempt 1 of 3`. */
  detail: string;
}

/** Runs a smoke check; injectable so that tests and other checks can replace the HTTP one. */
export type SmokeCheck = (url: string) => Promise<SmokeCheckResult>;

/**
 * An HTTP GET smoke check: passes on the first 2xx answer; otherwise retries up to `attempts` times,
 * `intervalMs` apart, each attempt limited to `timeoutMs`.
 */
export function httpSmokeCheck(config: SmokeCheckConfig): SmokeCheck {
  return async (url: string) => {
    let last = '';
    for (let attempt = 1; attempt <= config.attempts; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'GET',
          redirect: 'follow',
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        // Drain the body so the connection is released.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          return {
            ok: true,
            detail: `GET ${url} answered ${response.status} on attempt ${attempt} of ${config.attempts}`,
          };
        }
        last = `answered ${response.status}`;
      } catch (error) {
        last =
          (error as Error).name === 'TimeoutError'
            ? `did not answer within ${config.timeoutMs} ms`
            : `failed: ${(error as Error).message}`;
      }
      if (attempt < config.attempts) {
        await new Promise(resolve => setTimeout(resolve, config.intervalMs));
      }
    }
    return {
      ok: false,
      detail: `GET ${url} ${last} (${config.attempts} attempts)`,
    };
  };
}
