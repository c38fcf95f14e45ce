/*
 * The performance benchmark of the environment matrix (issue 3): `yarn bench [options]`.
 * Prints figures, not a test; see docs/performance.md for what each figure means.
 */
import { fork } from 'child_process';
import fs from 'fs';
import { startEmulator } from '@internal/demo-fleet';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../src/aws';
import { ENVIRONMENTS, fleetServices, planFleet } from './fleet';
import { benchFleetEndpoint, EndpointFigures } from './fleetEndpoint';
import { benchMatching, MATCHING_CONVENTIONS } from './matching';
import type { RefreshFigures, RefreshJob } from './refreshWorker';
import { seedFleet } from './seed';

const USAGE = `Usage: yarn bench [--sizes 100,1000,3000] [--versions 1] [--pg <postgres connection string>]
                  [--requests 5000] [--clients 50] [--no-endpoint] [--json <file>]

  --sizes       fleet sizes (functions over three accounts) to refresh; default 100,1000,3000; "none" for none
  --versions    published versions per function (default 1); the collector lists them all
  --pg          also measure the fleet endpoint on PostgreSQL (a server URL; a database is created
                and dropped). Default: env BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
  --requests    measured GET /fleet requests per database (default 5000, after 200 warm-up requests)
  --clients     concurrent clients of the fleet endpoint (default 50)
  --no-endpoint skip the fleet endpoint
  --json        also write every figure to this file`;

interface Options {
  sizes: number[];
  versions: number;
  postgres?: string;
  requests: number;
  clients: number;
  endpoint: boolean;
  json?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    sizes: [100, 1000, 3000],
    versions: 1,
    postgres: process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    requests: 5000,
    clients: 50,
    endpoint: true,
  };
  const positive = (name: string, value: string | undefined) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) {
      throw new Error(
        `${name} must be a positive whole number, got '${value}'\n\n${USAGE}`,
      );
    }
    return number;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) {
        throw new Error(`${arg} needs a value\n\n${USAGE}`);
      }
      return next;
    };
    switch (arg) {
      case '--sizes': {
        const list = value();
        options.sizes =
          list === 'none'
            ? []
            : list.split(',').map(size => positive('--sizes', size.trim()));
        break;
      }
      case '--versions':
        options.versions = positive('--versions', value());
        break;
      case '--pg':
        options.postgres = value();
        break;
      case '--requests':
        options.requests = positive('--requests', value());
        break;
      case '--clients':
        options.clients = positive('--clients', value());
        break;
      case '--no-endpoint':
        options.endpoint = false;
        break;
      case '--json':
        options.json = value();
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown option '${arg}'\n\n${USAGE}`);
    }
  }
  return options;
}

/** Far above what the emulator answers: the benchmark measures calls and the collector's own time. */
const UNLIMITED: RateLimits = {
  getFunctionPerSecond: 100_000,
  lambdaControlPlanePerSecond: 100_000,
  cloudFormationPerSecond: 100_000,
  taggingPerSecond: 100_000,
};

/** AWS's own Lambda quotas per account-region (CloudFormation publishes none: the product's default is kept). */
const AWS_QUOTAS: RateLimits = {
  getFunctionPerSecond: 100,
  lambdaControlPlanePerSecond: 15,
  cloudFormationPerSecond: DEFAULT_RATE_LIMITS.cloudFormationPerSecond,
  taggingPerSecond: DEFAULT_RATE_LIMITS.taggingPerSecond,
};

/** ListFunctions entries per page on AWS; the emulator answers every list in one page. */
const LIST_PAGE_SIZE = 50;

/**
 * GetResources resources per page the collector asks for. The emulator also cuts a page at 100 tags
 * (16 functions of 6 tags), AWS only when asked to: the figures "as on AWS" count AWS's pages.
 */
const TAGGING_PAGE_SIZE = 100;

/**
 * ListFunctions entries per function: the collector lists with FunctionVersion=ALL ($LATEST and every
 * published version), the naive strategy lists $LATEST only.
 */
function listEntriesPerFunction(
  strategy: RefreshJob['strategy'],
  versions: number,
): number {
  return strategy === 'collector' ? 1 + versions : 1;
}

function runRefresh(job: RefreshJob): Promise<RefreshFigures> {
  return new Promise((resolve, reject) => {
    // The child inherits this process's TypeScript loader (execArgv) and AWS_ENDPOINT_URL_STS.
    const child = fork(require.resolve('./refreshWorker'), [
      JSON.stringify(job),
    ]);
    child.once('message', message => {
      const figures = message as RefreshFigures & { error?: string };
      if (figures.error) {
        reject(
          new Error(
            `${job.strategy} refresh of ${job.size} failed: ${figures.error}`,
          ),
        );
      } else {
        resolve(figures);
      }
    });
    child.once('exit', code => {
      if (code !== 0) {
        reject(
          new Error(
            `${job.strategy} refresh of ${job.size} exited with ${code}`,
          ),
        );
      }
    });
  });
}

/** Calls of one account by the budget AWS counts them against. */
function budgets(
  calls: Record<string, number>,
  listEntries: number,
  functions: number,
) {
  const sum = (operations: string[]) =>
    operations.reduce((total, operation) => total + (calls[operation] ?? 0), 0);
  return {
    getFunction: calls['lambda:GetFunction'] ?? 0,
    listPages: Math.max(1, Math.ceil(listEntries / LIST_PAGE_SIZE)),
    // The tag walk, as AWS pages it (every function of the benchmark carries the discovery tags).
    taggingPages: calls['tag:GetResources']
      ? Math.max(1, Math.ceil(functions / TAGGING_PAGE_SIZE))
      : 0,
    // Lambda control plane other than GetFunction and ListFunctions.
    otherLambda: sum([
      'lambda:ListAliases',
      'lambda:ListVersionsByFunction',
      'lambda:ListTags',
    ]),
    cloudFormation: sum([
      'cloudformation:DescribeStacks',
      'cloudformation:ListStackResources',
    ]),
  };
}

/**
 * The shortest a refresh can take when every call waits for its budget, ignoring AWS's latency:
 * per account, the slowest account counts. The collector's phases (list, GetFunction, stacks) run one
 * after the other, so their times add up; the naive strategy's calls run side by side, so the
 * busiest budget bounds it.
 */
/** Functions per account id. */
function functionsPerAccount(size: number, versions: number) {
  const counts = new Map<string, number>();
  for (const fn of planFleet(size, versions)) {
    counts.set(fn.accountId, (counts.get(fn.accountId) ?? 0) + 1);
  }
  return counts;
}

/**
 * List pages AWS would answer for the fleet, over all accounts: ListFunctions, and for the collector
 * the GetResources pages of its tag walk.
 */
function awsListPages(
  strategy: RefreshJob['strategy'],
  size: number,
  versions: number,
): number {
  let pages = 0;
  for (const functions of functionsPerAccount(size, versions).values()) {
    const entries = functions * listEntriesPerFunction(strategy, versions);
    pages += Math.max(1, Math.ceil(entries / LIST_PAGE_SIZE));
    if (strategy === 'collector') {
      pages += Math.max(1, Math.ceil(functions / TAGGING_PAGE_SIZE));
    }
  }
  return pages;
}

function quotaBoundSeconds(
  figures: RefreshFigures,
  size: number,
  versions: number,
  limits: RateLimits,
): number {
  const perAccount = functionsPerAccount(size, versions);
  return Math.max(
    ...Object.entries(figures.calls).map(([accountId, calls]) => {
      const functions = perAccount.get(accountId) ?? 0;
      const b = budgets(
        calls,
        functions * listEntriesPerFunction(figures.strategy, versions),
        functions,
      );
      const getFunction = b.getFunction / limits.getFunctionPerSecond;
      const controlPlane =
        (b.listPages + b.otherLambda) / limits.lambdaControlPlanePerSecond;
      // The tag walk runs beside the ListFunctions pages, on its own budget.
      const tagging = b.taggingPages / limits.taggingPerSecond;
      const cloudFormation = b.cloudFormation / limits.cloudFormationPerSecond;
      return figures.strategy === 'collector'
        ? getFunction + Math.max(controlPlane, tagging) + cloudFormation
        : Math.max(getFunction, controlPlane, cloudFormation);
    }),
  );
}

interface SizeFigures {
  size: number;
  versions: number;
  services: number;
  stacks: number;
  seedMs: number;
  seedRequests: number;
  collector: RefreshFigures;
  naive: RefreshFigures;
  /** The collector against the emulator with the product's default rate limits. */
  collectorAtDefaultLimits: RefreshFigures;
  /** Calls per function: all but list pages and per-stack calls, and all calls. */
  perFunction: { collector: number; naive: number };
  perFunctionAll: { collector: number; naive: number };
  listStackResources: number;
  quotaBound: {
    collectorDefault: number;
    naiveDefault: number;
    collectorAws: number;
    naiveAws: number;
  };
}

function totals(figures: RefreshFigures): Record<string, number> {
  const total: Record<string, number> = {};
  for (const calls of Object.values(figures.calls)) {
    for (const [operation, count] of Object.entries(calls)) {
      total[operation] = (total[operation] ?? 0) + count;
    }
  }
  return total;
}

/**
 * Per function: calls that are neither list pages (ListFunctions, GetResources) nor per-stack calls;
 * and every call, with the list pages AWS would answer instead of the emulator's.
 */
function callsPerFunction(
  figures: RefreshFigures,
  size: number,
  versions: number,
) {
  const total = totals(figures);
  const all = Object.values(total).reduce((a, b) => a + b, 0);
  const listPages =
    (total['lambda:ListFunctions'] ?? 0) + (total['tag:GetResources'] ?? 0);
  const listAndStacks =
    listPages +
    (total['cloudformation:DescribeStacks'] ?? 0) +
    (total['cloudformation:ListStackResources'] ?? 0);
  return {
    perFunction: (all - listAndStacks) / size,
    all:
      (all - listPages + awsListPages(figures.strategy, size, versions)) / size,
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const thousands = (n: number) => n.toLocaleString('en-US');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map(row => (row[column] ?? '').length)),
  );
  return rows
    .map(row =>
      row
        .map((cell, column) =>
          column === 0
            ? cell.padEnd(widths[column])
            : cell.padStart(widths[column]),
        )
        .join('   '),
    )
    .join('\n');
}

function printSize(f: SizeFigures) {
  const collectorCalls = totals(f.collector);
  const naiveCalls = totals(f.naive);
  const operations = [
    ...new Set([...Object.keys(collectorCalls), ...Object.keys(naiveCalls)]),
  ].sort();
  const sum = (calls: Record<string, number>) =>
    thousands(Object.values(calls).reduce((a, b) => a + b, 0));
  const rows: string[][] = [
    ['', 'collector', 'naive'],
    ...operations.map(operation => [
      `  ${operation}`,
      thousands(collectorCalls[operation] ?? 0),
      thousands(naiveCalls[operation] ?? 0),
    ]),
    ['  total AWS calls', sum(collectorCalls), sum(naiveCalls)],
    [
      '  (list pages on AWS: ListFunctions 50 entries, GetResources 100 a page)',
      thousands(awsListPages('collector', f.size, f.versions)),
      thousands(awsListPages('naive', f.size, f.versions)),
    ],
    [
      'calls per function, without list pages and per-stack calls',
      f.perFunction.collector.toFixed(3),
      f.perFunction.naive.toFixed(3),
    ],
    [
      'calls per function, all calls (list pages as on AWS)',
      f.perFunctionAll.collector.toFixed(3),
      f.perFunctionAll.naive.toFixed(3),
    ],
    [
      'retried calls',
      thousands(Object.values(f.collector.retries).reduce((a, b) => a + b, 0)),
      '-',
    ],
    [
      'wall time, emulator, rate limits raised',
      seconds(f.collector.wallMs),
      seconds(f.naive.wallMs),
    ],
    [
      'wall time, emulator, default rate limits (measured)',
      seconds(f.collectorAtDefaultLimits.wallMs),
      '-',
    ],
    [
      'wall time bound at default rate limits (50/10/5/5 per s)',
      seconds(f.quotaBound.collectorDefault * 1000),
      seconds(f.quotaBound.naiveDefault * 1000),
    ],
    [
      'wall time bound at AWS Lambda quotas (100/15 per s)',
      seconds(f.quotaBound.collectorAws * 1000),
      seconds(f.quotaBound.naiveAws * 1000),
    ],
    [
      'peak RSS of the refresh process (maxRSS)',
      mb(f.collector.peakRssBytes),
      mb(f.naive.peakRssBytes),
    ],
    [
      '  RSS before the refresh (Node + modules)',
      mb(f.collector.baselineRssBytes),
      mb(f.naive.baselineRssBytes),
    ],
    [
      '  peak V8 heap used (sampled every 20 ms)',
      mb(f.collector.peakHeapUsedBytes),
      mb(f.naive.peakHeapUsedBytes),
    ],
    [
      'longest event-loop stall during the refresh',
      ms(f.collector.maxEventLoopDelayMs),
      ms(f.naive.maxEventLoopDelayMs),
    ],
    [
      'functions found as seeded',
      `${thousands(f.collector.verified)}/${thousands(f.size)}`,
      `${thousands(f.naive.verified)}/${thousands(f.size)}`,
    ],
  ];
  process.stdout.write(
    `\n== ${thousands(f.size)} functions: ${thousands(
      f.services,
    )} services over ${ENVIRONMENTS.length} accounts, ${
      f.versions
    } published version(s) each, ${thousands(
      f.stacks,
    )} CloudFormation stacks ==\n` +
      `seeded in ${seconds(f.seedMs)} (${thousands(
        f.seedRequests,
      )} requests; not part of the figures)\n` +
      `${table(rows)}\n`,
  );
  for (const figures of [f.collector, f.naive, f.collectorAtDefaultLimits]) {
    if (figures.problems.length > 0) {
      process.stdout.write(
        `  ${figures.strategy} problems:\n    ${figures.problems.join(
          '\n    ',
        )}\n`,
      );
    }
  }
}

async function benchSize(size: number, versions: number): Promise<SizeFigures> {
  const emulator = await startEmulator();
  try {
    // The credentials manager's STS calls go to the emulator (the children inherit it).
    process.env.AWS_ENDPOINT_URL_STS = emulator.endpoint;
    const plan = planFleet(size, versions);
    process.stdout.write(`\nSeeding ${thousands(size)} functions...`);
    const seedStarted = performance.now();
    const { requests } = await seedFleet(emulator.endpoint, plan);
    const seedMs = performance.now() - seedStarted;
    process.stdout.write(` ${seconds(seedMs)}; refreshing...`);

    const job = { endpoint: emulator.endpoint, size, versions };
    const collector = await runRefresh({
      ...job,
      strategy: 'collector',
      rateLimits: UNLIMITED,
    });
    const naive = await runRefresh({ ...job, strategy: 'naive' });
    const collectorAtDefaultLimits = await runRefresh({
      ...job,
      strategy: 'collector',
      rateLimits: DEFAULT_RATE_LIMITS,
    });
    process.stdout.write(' done\n');

    const collectorPer = callsPerFunction(collector, size, versions);
    const naivePer = callsPerFunction(naive, size, versions);
    const figures: SizeFigures = {
      size,
      versions,
      services: fleetServices(size).length,
      // The fleet's stacks plus one per account for the execution role.
      stacks: plan.filter(fn => fn.stackName).length + ENVIRONMENTS.length,
      seedMs,
      seedRequests: requests,
      collector,
      naive,
      collectorAtDefaultLimits,
      perFunction: {
        collector: collectorPer.perFunction,
        naive: naivePer.perFunction,
      },
      perFunctionAll: { collector: collectorPer.all, naive: naivePer.all },
      listStackResources:
        totals(collector)['cloudformation:ListStackResources'] ?? 0,
      quotaBound: {
        collectorDefault: quotaBoundSeconds(
          collector,
          size,
          versions,
          DEFAULT_RATE_LIMITS,
        ),
        naiveDefault: quotaBoundSeconds(
          naive,
          size,
          versions,
          DEFAULT_RATE_LIMITS,
        ),
        collectorAws: quotaBoundSeconds(collector, size, versions, AWS_QUOTAS),
        naiveAws: quotaBoundSeconds(naive, size, versions, AWS_QUOTAS),
      },
    };
    printSize(figures);
    return figures;
  } finally {
    await emulator.stop();
  }
}

function printEndpoint(figures: EndpointFigures) {
  const { load } = figures;
  const rows: string[][] = [
    ['requests', 'count', 'p50', 'p95', 'p99', 'max'],
    [
      'all',
      String(load.all.count),
      ms(load.all.p50),
      ms(load.all.p95),
      ms(load.all.p99),
      ms(load.all.max),
    ],
    ...Object.entries(load.byKind).map(([kind, l]) => [
      `  ${kind}`,
      String(l.count),
      ms(l.p50),
      ms(l.p95),
      ms(l.p99),
      ms(l.max),
    ]),
  ];
  process.stdout.write(
    `\n== GET /fleet, 1,000 services, ${figures.database}, ${load.concurrency} concurrent clients ==\n` +
      `stored by the scheduled refresh in ${seconds(
        figures.storeMs,
      )}; services per status: ${Object.entries(figures.statusCounts)
        .map(([status, count]) => `${status} ${count}`)
        .join(', ')}\n` +
      `${table(rows)}\n` +
      `throughput ${load.requestsPerSecond.toFixed(
        0,
      )} requests/s; a page of 50 is ${(figures.pageBytes / 1024).toFixed(
        0,
      )} kB of JSON, ${(load.averageBytes / 1024).toFixed(
        1,
      )} kB gzipped on average\n` +
      `one client alone (${figures.serial.all.count} requests): p50 ${ms(
        figures.serial.all.p50,
      )}, p95 ${ms(
        figures.serial.all.p95,
      )}, ${figures.serial.requestsPerSecond.toFixed(0)} requests/s\n` +
      `backend process under load: ${figures.server.cpuMsPerRequest.toFixed(
        2,
      )} ms CPU per request; ${figures.server.gcCount} GC pauses, ${ms(
        figures.server.gcTotalMs,
      )} in all, longest ${ms(
        figures.server.gcMaxMs,
      )}; event-loop delay p99 ${ms(figures.server.loopDelayP99Ms)}, max ${ms(
        figures.server.loopDelayMaxMs,
      )}\n`,
  );
}

function verdict(pass: boolean) {
  return pass ? 'PASS' : 'FAIL';
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  process.stdout.write(
    'Environments benchmark. Times depend on the machine and what else runs on it.\n',
  );

  const sizes: SizeFigures[] = [];
  for (const size of options.sizes) {
    sizes.push(await benchSize(size, options.versions));
  }

  // Cheap: always measured, at the sizes that stalled the event loop before the index.
  const matching = MATCHING_CONVENTIONS.flatMap(convention =>
    [3000, 9000].map(size => benchMatching(size, convention)),
  );
  process.stdout.write(
    `\n== Service matching (one account-region, on the event loop) ==\n${matching
      .map(
        m =>
          `${m.convention}: ${thousands(m.functions)} functions x ${thousands(
            m.services,
          )} services x ${m.environments} environments: ${ms(
            m.milliseconds,
          )} (${thousands(m.found)} matches)`,
      )
      .join('\n')}\n`,
  );

  const endpoints: EndpointFigures[] = [];
  if (options.endpoint) {
    process.stdout.write('\nMeasuring GET /fleet on SQLite...');
    endpoints.push(
      await benchFleetEndpoint({
        requests: options.requests,
        concurrency: options.clients,
      }),
    );
    printEndpoint(endpoints[endpoints.length - 1]);
    if (options.postgres) {
      process.stdout.write('\nMeasuring GET /fleet on PostgreSQL...');
      endpoints.push(
        await benchFleetEndpoint({
          postgres: options.postgres,
          requests: options.requests,
          concurrency: options.clients,
        }),
      );
      printEndpoint(endpoints[endpoints.length - 1]);
    } else {
      process.stdout.write(
        '\n(PostgreSQL not measured: give --pg <url> or BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)\n',
      );
    }
  }

  const lines: string[] = [];
  if (sizes.length > 0) {
    const pass = sizes.every(
      f => f.perFunction.collector <= 1.05 && f.listStackResources <= f.stacks,
    );
    lines.push(
      `${verdict(
        pass,
      )}  AWS calls per function <= 1.05, plus list pages and at most one call per stack: ${sizes
        .map(
          f =>
            `${thousands(f.size)}: ${f.perFunction.collector.toFixed(
              3,
            )} (ListStackResources ${f.listStackResources} for ${
              f.stacks
            } stacks)`,
        )
        .join('; ')}`,
    );
  } else {
    lines.push('----  AWS calls per function: no fleet size run');
  }
  if (endpoints.length > 0) {
    lines.push(
      `${verdict(
        endpoints.every(e => e.load.all.p95 < 50),
      )}  GET /fleet p95 < 50 ms with ${options.clients} clients: ${endpoints
        .map(e => `${e.database} ${ms(e.load.all.p95)}`)
        .join('; ')}`,
    );
  } else {
    lines.push('----  GET /fleet p95: not measured (--no-endpoint)');
  }
  const largest = sizes.find(f => f.size === 3000);
  lines.push(
    largest
      ? `${verdict(
          largest.collector.peakRssBytes < 300 * 1024 * 1024,
        )}  peak memory of a 3,000-function refresh < 300 MB: ${mb(
          largest.collector.peakRssBytes,
        )} (peak RSS of the refresh process)`
      : '----  peak memory of a 3,000-function refresh: not measured (size 3000 not run)',
  );
  process.stdout.write(`\n== Targets ==\n${lines.join('\n')}\n`);
  process.stdout.write(
    `\nTotal run time ${seconds(performance.now() - started)}\n`,
  );

  if (options.json) {
    fs.writeFileSync(
      options.json,
      `${JSON.stringify(
        { date: new Date().toISOString(), sizes, matching, endpoints },
        null,
        2,
      )}\n`,
    );
  }
}

main().then(
  // The backend's scheduler may keep timers alive after it stopped.
  () => process.exit(0),
  error => {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  },
);
