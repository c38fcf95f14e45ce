import { mockServices } from '@backstage/backend-test-utils';
import { StackDriftStore } from './FindingsStore';
import {
  StackDriftChecker,
  StackDriftDetectorSource,
} from './StackDriftChecker';
import {
  DriftDetectionUnsupportedError,
  StackDriftCheck,
  StackDriftReport,
  StackDriftTarget,
} from './types';

class MemoryStackDriftStore implements StackDriftStore {
  readonly checks = new Map<string, StackDriftCheck>();
  async listStackDriftChecks() {
    return [...this.checks.values()];
  }
  async saveStackDriftCheck(check: StackDriftCheck) {
    const previous = this.checks.get(check.stackName);
    this.checks.set(
      check.stackName,
      check.status === 'checked' || !previous
        ? check
        : {
            ...check,
            checkedAt: previous.checkedAt,
            stackDriftStatus: previous.stackDriftStatus,
            resources: previous.resources,
          },
    );
  }
}

function target(
  stackName: string,
  accountId = '333333333333',
): StackDriftTarget {
  return {
    entityRef: `component:default/${stackName}`,
    environment: 'prod',
    accountId,
    region: 'eu-west-1',
    stackName,
  };
}

function report(stackName: string): StackDriftReport {
  return {
    stackName,
    stackDriftStatus: 'IN_SYNC',
    checkedAt: '2026-11-23T10:00:00.000Z',
    resources: [],
  };
}

describe('StackDriftChecker', () => {
  let clock: number;
  const now = () => new Date(Date.UTC(2026, 10, 23, 10, 0, clock++));

  beforeEach(() => {
    clock = 0;
  });

  function setUp(
    detect: (stackName: string, accountId: string) => Promise<StackDriftReport>,
    store: StackDriftStore,
  ) {
    const calls: string[] = [];
    const detectors: StackDriftDetectorSource = {
      forLocation: async ({ accountId }) => ({
        detectDrift: async stackName => {
          calls.push(stackName);
          return detect(stackName, accountId);
        },
      }),
    };
    return {
      calls,
      checker: new StackDriftChecker({
        detectors,
        store,
        logger: mockServices.logger.mock(),
        stacksPerRun: 2,
        now,
      }),
    };
  }

  it('checks at most the budget per run, never-checked and oldest-checked stacks first', async () => {
    const store = new MemoryStackDriftStore();
    const { checker, calls } = withReports(store);
    const targets = ['a', 'b', 'c', 'd'].map(name => target(name));

    const first = await checker.run(targets);
    expect(calls).toEqual(['a', 'b']);
    expect(first.deferred).toBe(2);
    expect(first.checks.map(c => [c.stackName, c.status])).toEqual([
      ['a', 'checked'],
      ['b', 'checked'],
    ]);

    await checker.run(targets);
    expect(calls).toEqual(['a', 'b', 'c', 'd']);

    // All were checked once; a and b longest ago.
    await checker.run(targets);
    expect(calls.slice(4)).toEqual(['a', 'b']);
  });

  it('checks every stack of a service on demand when given a larger budget', async () => {
    const store = new MemoryStackDriftStore();
    const { checker, calls } = withReports(store);
    await checker.run(
      ['a', 'b', 'c'].map(name => target(name)),
      { budget: Infinity },
    );
    expect(calls).toEqual(['a', 'b', 'c']);
  });

  it('records not-checked with the reason where the API is missing, and spends no more calls there', async () => {
    const store = new MemoryStackDriftStore();
    const { checker, calls } = setUp(async (stackName, accountId) => {
      if (accountId === '111111111111') {
        throw new DriftDetectionUnsupportedError(
          'CloudFormation drift detection is not available here',
        );
      }
      return report(stackName);
    }, store);

    const result = await checker.run([
      target('dev-a', '111111111111'),
      target('dev-b', '111111111111'),
      target('prod-a'),
    ]);

    expect(calls).toEqual(['dev-a', 'prod-a']);
    expect(result.checks.map(c => [c.stackName, c.status, c.reason])).toEqual([
      [
        'dev-a',
        'not-checked',
        'CloudFormation drift detection is not available here',
      ],
      [
        'dev-b',
        'not-checked',
        'CloudFormation drift detection is not available here',
      ],
      ['prod-a', 'checked', undefined],
    ]);
  });

  it('records a failure without losing the last good result', async () => {
    const store = new MemoryStackDriftStore();
    let fail = false;
    const { checker } = setUp(async stackName => {
      if (fail) {
        throw new Error('Rate exceeded');
      }
      return { ...report(stackName), stackDriftStatus: 'DRIFTED' };
    }, store);
    await checker.run([target('a')]);
    fail = true;
    const result = await checker.run([target('a')]);

    expect(result.checks[0]).toMatchObject({
      status: 'failed',
      reason: 'Rate exceeded',
    });
    expect(store.checks.get('a')).toMatchObject({
      status: 'failed',
      stackDriftStatus: 'DRIFTED',
    });
  });

  function withReports(store: StackDriftStore) {
    return setUp(async stackName => report(stackName), store);
  }
});
