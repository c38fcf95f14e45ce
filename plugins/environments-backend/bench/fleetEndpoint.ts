import { fork } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import { createServer } from 'net';
import { PerformanceObserver, monitorEventLoopDelay } from 'perf_hooks';
import { createBackend } from '@backstage/backend-defaults';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FunctionResource } from '@internal/backstage-plugin-environments-common';
import knexFactory from 'knex';
import { environmentsPlugin } from '../src/plugin';
import { environmentCollectorServiceRef } from '../src/serviceRefs';
import {
  CollectedService,
  EnvironmentCollector,
  RefreshResult,
  ServiceDescriptor,
} from '../src/matrix/collector/types';
import { FLEET_STATUSES } from '../src/matrix';
import { ENVIRONMENTS, OWNERS, PROJECT, SYSTEMS } from './fleet';
import type { LoadFigures, LoadJob } from './loadClient';

/** Services in the stored fleet. */
export const FLEET_SERVICES = 1000;
/** Requests of the single client that measures latency without queueing. */
const SERIAL_REQUESTS = 500;

/** The catalog Component of service `index`, annotated for the plugin. */
function component(index: number): Entity {
  const name = `svc${String(index).padStart(4, '0')}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      title: `Service ${index}`,
      annotations: { 'environments.io/project': PROJECT },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: OWNERS[index % OWNERS.length],
      system: SYSTEMS[index % SYSTEMS.length],
    },
  };
}

const DAY = 24 * 3600 * 1000;

/**
 * A collector that reports, without AWS, one function per service and environment with the same
 * shape the real collector gives. Services differ so that every fleet status occurs: 3 in 5 run the
 * same digest everywhere, 1 in 5 has a newer digest in staging than in prod (needs promotion), 1 in 5
 * runs a hotfix in prod that never ran in staging (unpromoted artifact); 1 in 25 could not be read
 * in prod (stale).
 */
export class SyntheticCollector implements EnvironmentCollector {
  async collect(options: {
    services: ServiceDescriptor[];
  }): Promise<RefreshResult> {
    const now = Date.now();
    const services: CollectedService[] = options.services.map(
      (service, index) => {
        const kind = index % 5;
        // Digests as random-looking as real ones, so compression has as much work as in production.
        const digestOf = (release: string) =>
          `sha256:${createHash('sha256')
            .update(`${service.component}:${release}`)
            .digest('hex')}`;
        const deployment: Record<string, { release: string; daysAgo: number }> =
          {
            dev: { release: kind === 1 ? 'v2' : 'v1', daysAgo: 1 },
            staging: { release: kind === 1 ? 'v2' : 'v1', daysAgo: 2 },
            prod: {
              release: kind === 2 ? 'v1-hotfix' : 'v1',
              daysAgo: kind === 1 ? 10 : 3,
            },
          };
        return {
          entityRef: service.entityRef,
          environments: ENVIRONMENTS.map(environment => {
            const { accountId, region } = environment.locations[0];
            const { release, daysAgo } = deployment[environment.name];
            const functionName = `${service.project}-${service.component}-${environment.shortName}`;
            const fn: FunctionResource = {
              accountId,
              region,
              functionName,
              functionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
              discoveredBy: 'convention',
              expectedName: functionName,
              primary: true,
              liveAlias: { version: String(3 + kind) },
              digest: digestOf(release),
              digestKind: 'image',
              imageUri: `${accountId}.dkr.ecr.${region}.amazonaws.com/${
                service.component
              }@${digestOf(release)}`,
              deployedAt: new Date(now - daysAgo * DAY).toISOString(),
              configuration: {
                packageType: 'Image',
                memorySize: 1024,
                timeout: 300,
                architectures: ['x86_64'],
                environmentVariableNames: ['LOG_LEVEL', 'TABLE_NAME'],
                layers: [],
              },
              tags: {
                Project: service.project,
                Component: service.component,
                Environment: environment.shortName,
                ManagedBy: 'CloudFormation',
                Owner: 'team',
                CostCenter: 'cc-1234',
              },
              stack: {
                stackName: functionName,
                stackId: `arn:aws:cloudformation:${region}:${accountId}:stack/${functionName}/1`,
                status: 'UPDATE_COMPLETE',
              },
            };
            return {
              environment: environment.name,
              complete: !(environment.name === 'prod' && index % 25 === 24),
              functions: [fn],
            };
          }),
        };
      },
    );
    const at = new Date(now).toISOString();
    return { startedAt: at, finishedAt: at, services, failedLocations: [] };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

/**
 * Database settings of a PostgreSQL server for one run: the backend creates the plugin's database
 * itself (`<prefix>environments`), under a prefix of its own so no earlier run's data is read;
 * `drop` removes it afterwards.
 */
function postgresDatabase(connectionString: string) {
  const prefix = `bench_${randomBytes(4).toString('hex')}_`;
  return {
    config: { client: 'pg', connection: connectionString, prefix },
    async drop() {
      const admin = knexFactory({ client: 'pg', connection: connectionString });
      try {
        const { rows } = await admin.raw(
          'SELECT datname FROM pg_database WHERE datname LIKE ?',
          [`${prefix}%`],
        );
        for (const { datname } of rows as Array<{ datname: string }>) {
          await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
        }
      } finally {
        await admin.destroy();
      }
    },
  };
}

/** What the fleet endpoint benchmark measured on one database. */
export interface EndpointFigures {
  database: string;
  /** From backend start until the scheduled refresh had collected. */
  startMs: number;
  /** From the collector's result until all 1,000 services were served: the store's saveRefresh. */
  storeMs: number;
  /** Services per status filter, as the endpoint counts them. */
  statusCounts: Record<string, number>;
  /** A page of 50 services as JSON, uncompressed. */
  pageBytes: number;
  /** One client, one request at a time: the time a request takes without queueing. */
  serial: LoadFigures;
  load: LoadFigures;
  /** The server's side of the concurrent run. */
  server: ServerFigures;
}

/** What the backend's process spent while the concurrent clients ran. */
export interface ServerFigures {
  /** CPU time (user + system) of the backend's process per request. */
  cpuMsPerRequest: number;
  /** Garbage collections and their pauses. */
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** How late the event loop ran timers: a long stall delays every request in flight. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

/** Runs `work` while recording the backend process's CPU time, GC pauses and event-loop delay. */
async function watchServer<T extends { all: { count: number } }>(
  work: () => Promise<T>,
): Promise<{ result: T; server: ServerFigures }> {
  const pauses: number[] = [];
  const observer = new PerformanceObserver(list => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpuBefore = process.cpuUsage();
  try {
    const result = await work();
    const cpu = process.cpuUsage(cpuBefore);
    return {
      result,
      server: {
        cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / result.all.count,
        gcCount: pauses.length,
        gcTotalMs: pauses.reduce((sum, p) => sum + p, 0),
        gcMaxMs: Math.max(0, ...pauses),
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        loopDelayMaxMs: delay.max / 1e6,
      },
    };
  } finally {
    delay.disable();
    observer.disconnect();
  }
}

async function runLoad(job: LoadJob): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    // The clients run in a process of their own, so they do not take the server's event loop.
    const child = fork(require.resolve('./loadClient'), [JSON.stringify(job)]);
    child.once('message', message => {
      const figures = message as LoadFigures & { error?: string };
      if (figures.error) {
        reject(new Error(`load client failed: ${figures.error}`));
      } else {
        resolve(figures);
      }
    });
    child.once('exit', code => {
      if (code !== 0) reject(new Error(`load client exited with ${code}`));
    });
  });
}

/** A collector that tells when each refresh started collecting, to time the store's part. */
class TimedCollector extends SyntheticCollector {
  readonly collected: number[] = [];

  async collect(options: { services: ServiceDescriptor[] }) {
    const result = await super.collect(options);
    this.collected.push(performance.now());
    return result;
  }
}

/**
 * Starts a production backend (backend-defaults' createBackend: its HTTP stack, auth, database and
 * scheduler) with the plugin, on the loopback interface; the catalog and the collector are replaced
 * by in-memory ones holding 1,000 services. Its scheduled refresh stores the fleet through the real
 * store, then concurrent clients measure GET /fleet. `postgres` is a connection string; without it the
 * repository's default database is used (SQLite in memory, as app-config.yaml says).
 */
export async function benchFleetEndpoint(options: {
  postgres?: string;
  requests: number;
  concurrency: number;
}): Promise<EndpointFigures> {
  const postgres = options.postgres
    ? postgresDatabase(options.postgres)
    : undefined;
  const port = await freePort();
  // Clients authenticate as an external service with a static token: the production auth path.
  const token = randomBytes(24).toString('base64url');
  const collector = new TimedCollector();

  const backend = createBackend();
  backend.add(environmentsPlugin);
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        backend: {
          baseUrl: `http://127.0.0.1:${port}`,
          listen: { host: '127.0.0.1', port },
          database: postgres?.config ?? {
            client: 'better-sqlite3',
            connection: ':memory:',
          },
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token, subject: 'environments-benchmark' },
              },
            ],
          },
        },
        environments: {
          definitions: ENVIRONMENTS.map(
            ({ name, title, shortName, longName, locations }) => ({
              name,
              title,
              shortName,
              longName,
              locations,
            }),
          ),
        },
      },
    }),
  );
  // Silent: the request log would flood the figures.
  backend.add(
    mockServices.rootLogger.factory({
      level: process.env.BENCH_LOG_LEVEL as any,
    }),
  );
  backend.add(
    catalogServiceMock.factory({
      entities: Array.from({ length: FLEET_SERVICES }, (_, i) => component(i)),
    }),
  );
  backend.add(
    createServiceFactory({
      service: environmentCollectorServiceRef,
      deps: {},
      factory: () => collector,
    }),
  );

  const started = performance.now();
  await backend.start();
  try {
    const baseUrl = `http://127.0.0.1:${port}/api/environments`;
    const authorization = `Bearer ${token}`;
    const fleetSize = async (query = '') => {
      const response = await fetch(`${baseUrl}/fleet?limit=1${query}`, {
        headers: { authorization },
      });
      if (!response.ok) {
        throw new Error(
          `GET /fleet answered ${response.status}: ${await response.text()}`,
        );
      }
      return (await response.json()).totalItems as number;
    };

    // The scheduler runs the refresh task at start-up: wait until it has stored the whole fleet
    // (the database is new, so the last service appears when the last batch is written).
    const deadline = Date.now() + 120_000;
    while ((await fleetSize()) < FLEET_SERVICES) {
      if (Date.now() > deadline) {
        throw new Error(
          `The scheduled refresh did not store ${FLEET_SERVICES} services within 120 s (collector called ${collector.collected.length} times)`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    const stored = performance.now();

    const statusCounts: Record<string, number> = {};
    for (const status of FLEET_STATUSES) {
      statusCounts[status] = await fleetSize(`&status=${status}`);
    }

    const page = await fetch(`${baseUrl}/fleet?limit=50`, {
      headers: { authorization },
    });
    const pageText = await page.text();
    const pageItems = JSON.parse(pageText).items.length;
    if (pageItems !== 50) {
      throw new Error(`GET /fleet?limit=50 returned ${pageItems} services`);
    }

    const serial = await runLoad({
      baseUrl,
      authorization,
      requests: SERIAL_REQUESTS,
      concurrency: 1,
      services: FLEET_SERVICES,
    });
    const { result: load, server } = await watchServer(() =>
      runLoad({
        baseUrl,
        authorization,
        requests: options.requests,
        concurrency: options.concurrency,
        services: FLEET_SERVICES,
      }),
    );
    return {
      database: postgres ? 'PostgreSQL' : 'SQLite (in memory)',
      startMs: (collector.collected[0] ?? stored) - started,
      storeMs: stored - (collector.collected[0] ?? started),
      statusCounts,
      pageBytes: Buffer.byteLength(pageText),
      serial,
      load,
      server,
    };
  } finally {
    await backend.stop();
    await postgres?.drop();
  }
}
