/*
 * One full refresh in a process of its own, so that its peak memory is its own: run by run.ts with
 * fork(), it reads its job from argv and sends back a RefreshFigures message.
 */
import { monitorEventLoopDelay } from 'perf_hooks';
import { getHeapStatistics } from 'v8';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsClientFactory, CallCounter, RateLimits } from '../src/aws';
import { AwsLocation, LocationReaderSource } from '../src/aws/types';
import { AwsEnvironmentCollector } from '../src/matrix/collector';
import { BenchFunction, ENVIRONMENTS, fleetServices, planFleet } from './fleet';
import { naiveRefresh } from './naive';
import { benchAwsConfig, releaseManifest } from './seed';

/** What run.ts asks a worker to do. */
export interface RefreshJob {
  strategy: 'collector' | 'naive';
  endpoint: string;
  size: number;
  /** Published versions per function. */
  versions: number;
  /** The collector's rate limits; the naive strategy has none. */
  rateLimits?: RateLimits;
}

/** What a worker reports back. */
export interface RefreshFigures {
  strategy: RefreshJob['strategy'];
  size: number;
  wallMs: number;
  /** Calls per account id and operation. */
  calls: Record<string, Record<string, number>>;
  /** Retried attempts (throttling or errors) per operation; the collector's only. */
  retries: Record<string, number>;
  /** process.resourceUsage().maxRSS: the peak resident set of this process, in bytes. */
  peakRssBytes: number;
  /** Resident set just before the refresh: Node, the SDK and the plugin's modules loaded. */
  baselineRssBytes: number;
  /** Largest V8 heap in use seen by sampling every 20 ms during the refresh. */
  peakHeapUsedBytes: number;
  /**
   * The longest the event loop was blocked during the refresh (monitorEventLoopDelay's maximum). In the
   * backend the refresh shares the event loop with the HTTP API: a long stall delays every request.
   */
  maxEventLoopDelayMs: number;
  /** Functions found as seeded (live version, digest and, for the collector, stack). */
  verified: number;
  problems: string[];
}

/** The version the live alias points at, and its digest. */
function liveOf(planned: BenchFunction) {
  return {
    version: String(planned.releases.length),
    digest: releaseManifest(planned.releases[planned.releases.length - 1])
      .digest,
  };
}

async function collectorRefresh(job: RefreshJob, figures: RefreshFigures) {
  const credentialsManager = DefaultAwsCredentialsManager.fromConfig(
    benchAwsConfig(job.endpoint),
  );
  // One factory (and call counter) per account, so that calls can be told apart per account.
  const factories = new Map(
    ENVIRONMENTS.map(environment => {
      const { accountId } = environment.locations[0];
      return [
        accountId,
        new AwsClientFactory({
          credentialsManager,
          endpoints: new Map([[accountId, job.endpoint]]),
          rateLimits: job.rateLimits,
          callCounter: new CallCounter(),
        }),
      ];
    }),
  );
  const readers: LocationReaderSource = {
    forLocation: (location: AwsLocation) =>
      factories.get(location.accountId)!.forLocation(location),
  };
  const collector = new AwsEnvironmentCollector({ readers });
  const services = fleetServices(job.size);

  const started = performance.now();
  const result = await collector.collect({
    environments: ENVIRONMENTS,
    services,
  });
  figures.wallMs = performance.now() - started;

  for (const [accountId, factory] of factories) {
    figures.calls[accountId] = factory.callCounter.callsByOperation();
    for (const [operation, count] of Object.entries(
      factory.callCounter.retriesByOperation(),
    )) {
      figures.retries[operation] = (figures.retries[operation] ?? 0) + count;
    }
  }
  for (const failed of result.failedLocations) {
    figures.problems.push(
      `account ${failed.accountId} failed: ${failed.error}`,
    );
  }

  const found = new Map(
    result.services.flatMap(service =>
      service.environments.flatMap(env =>
        env.functions.map(fn => [`${fn.accountId}/${fn.functionName}`, fn]),
      ),
    ),
  );
  for (const planned of planFleet(job.size, job.versions)) {
    const fn = found.get(`${planned.accountId}/${planned.functionName}`);
    const expected = liveOf(planned);
    if (!fn) {
      figures.problems.push(`${planned.functionName} not found`);
    } else if (
      fn.digest !== expected.digest ||
      fn.liveAlias?.version !== expected.version
    ) {
      figures.problems.push(
        `${planned.functionName}: live ${fn.liveAlias?.version} ${fn.digest}, expected ${expected.version} ${expected.digest}`,
      );
    } else if (fn.stack?.stackName !== planned.stackName) {
      figures.problems.push(
        `${planned.functionName}: stack ${fn.stack?.stackName}, expected ${planned.stackName}`,
      );
    } else {
      figures.verified++;
    }
  }
}

async function naive(job: RefreshJob, figures: RefreshFigures) {
  const credentialsManager = DefaultAwsCredentialsManager.fromConfig(
    benchAwsConfig(job.endpoint),
  );
  const started = performance.now();
  const found = await naiveRefresh({
    credentialsManager,
    endpoint: job.endpoint,
    count: (accountId, operation) => {
      const calls = (figures.calls[accountId] ??= {});
      calls[operation] = (calls[operation] ?? 0) + 1;
    },
  });
  figures.wallMs = performance.now() - started;

  const byName = new Map(
    found.map(fn => [`${fn.accountId}/${fn.functionName}`, fn]),
  );
  for (const planned of planFleet(job.size, job.versions)) {
    const fn = byName.get(`${planned.accountId}/${planned.functionName}`);
    const expected = liveOf(planned);
    if (
      fn?.liveVersion === expected.version &&
      `sha256:${fn.liveCodeSha256}` === expected.digest &&
      fn.tags.Component === planned.component
    ) {
      figures.verified++;
    } else {
      figures.problems.push(`${planned.functionName}: ${JSON.stringify(fn)}`);
    }
  }
}

async function main() {
  const job = JSON.parse(process.argv[2]) as RefreshJob;
  const figures: RefreshFigures = {
    strategy: job.strategy,
    size: job.size,
    wallMs: 0,
    calls: {},
    retries: {},
    peakRssBytes: 0,
    baselineRssBytes: process.memoryUsage().rss,
    peakHeapUsedBytes: 0,
    maxEventLoopDelayMs: 0,
    verified: 0,
    problems: [],
  };
  // getHeapStatistics is cheap; process.memoryUsage() reads /proc and would cost the refresh time.
  const sampleHeap = () => {
    figures.peakHeapUsedBytes = Math.max(
      figures.peakHeapUsedBytes,
      getHeapStatistics().used_heap_size,
    );
  };
  const sampler = setInterval(sampleHeap, 20);
  const eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
  eventLoopDelay.enable();
  try {
    await (job.strategy === 'collector' ? collectorRefresh : naive)(
      job,
      figures,
    );
  } finally {
    clearInterval(sampler);
    eventLoopDelay.disable();
  }
  sampleHeap();
  figures.maxEventLoopDelayMs = eventLoopDelay.max / 1e6;
  // Linux reports maxRSS in kilobytes.
  figures.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  figures.problems = figures.problems.slice(0, 10);
  process.send!(figures, () => process.exit(0));
}

main().catch(error => {
  process.send!({ error: String(error?.stack ?? error) }, () =>
    process.exit(1),
  );
});
