/*
 * Concurrent clients of GET /fleet, in a process of their own (forked by fleetEndpoint.ts): reads its
 * job from argv and sends back LoadFigures.
 */
import http from 'http';

/** What fleetEndpoint.ts asks the clients to do. */
export interface LoadJob {
  /** e.g. http://127.0.0.1:1234/api/environments */
  baseUrl: string;
  authorization: string;
  /** Measured requests in total, shared by the clients. */
  requests: number;
  /** Clients, each with one request in flight. */
  concurrency: number;
  services: number;
}

/** Latency percentiles in milliseconds. */
export interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** What the clients measured. */
export interface LoadFigures {
  concurrency: number;
  wallMs: number;
  requestsPerSecond: number;
  all: Latency;
  /** Per kind of request (plain page, owner, status, search filter). */
  byKind: Record<string, Latency>;
  /** Average response body size as sent (gzip), in bytes. */
  averageBytes: number;
}

const WARM_UP_REQUESTS = 200;
const PAGE = 50;

/** Request i of the mix: 7 in 10 plain pages (walking the fleet), then one of each filter. */
function requestOf(
  i: number,
  services: number,
): { kind: string; path: string } {
  switch (i % 10) {
    case 7:
      return {
        kind: 'owner',
        path: `/fleet?owner=team-checkout&limit=${PAGE}`,
      };
    case 8:
      return {
        kind: 'status',
        path: `/fleet?status=needs-promotion&limit=${PAGE}`,
      };
    case 9:
      return { kind: 'search', path: `/fleet?search=svc01&limit=${PAGE}` };
    default:
      return {
        kind: 'page',
        path: `/fleet?limit=${PAGE}&offset=${(i * PAGE) % services}`,
      };
  }
}

function percentiles(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1],
  };
}

async function main() {
  const job = JSON.parse(process.argv[2]) as LoadJob;
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: job.concurrency,
  });
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const request = http.get(
        `${job.baseUrl}${path}`,
        {
          agent,
          headers: {
            authorization: job.authorization,
            'accept-encoding': 'gzip',
          },
        },
        response => {
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
          });
          response.on('end', () => {
            if (response.statusCode !== 200) {
              reject(new Error(`GET ${path} answered ${response.statusCode}`));
            } else {
              resolve(bytes);
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
    });

  const run = async (count: number, record: boolean) => {
    const samples: Array<{ kind: string; ms: number; bytes: number }> = [];
    let next = 0;
    const client = async () => {
      while (next < count) {
        const { kind, path } = requestOf(next++, job.services);
        const started = performance.now();
        const bytes = await get(path);
        if (record) {
          samples.push({ kind, ms: performance.now() - started, bytes });
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: job.concurrency }, client));
    return { samples, wallMs: performance.now() - started };
  };

  await run(WARM_UP_REQUESTS, false);
  const { samples, wallMs } = await run(job.requests, true);
  agent.destroy();

  const kinds = ['page', 'owner', 'status', 'search'];
  const figures: LoadFigures = {
    concurrency: job.concurrency,
    wallMs,
    requestsPerSecond: (samples.length / wallMs) * 1000,
    all: percentiles(samples.map(s => s.ms)),
    byKind: Object.fromEntries(
      kinds.map(kind => [
        kind,
        percentiles(samples.filter(s => s.kind === kind).map(s => s.ms)),
      ]),
    ),
    averageBytes: samples.reduce((sum, s) => sum + s.bytes, 0) / samples.length,
  };
  process.send!(figures, () => process.exit(0));
}

main().catch(error => {
  process.send!({ error: String(error?.stack ?? error) }, () =>
    process.exit(1),
  );
});
