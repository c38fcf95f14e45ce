import { LocationRateLimiter } from './RateLimiter';

describe('LocationRateLimiter', () => {
  it('spaces the calls of a budget to its rate, while other budgets run on their own', async () => {
    const limiter = new LocationRateLimiter({
      getFunctionPerSecond: 1000,
      lambdaControlPlanePerSecond: 20,
      cloudFormationPerSecond: 1000,
      taggingPerSecond: 1000,
    });
    const started = Date.now();
    const controlPlane = Promise.all(
      Array.from({ length: 11 }, () =>
        limiter.schedule('lambdaControlPlane', async () => Date.now()),
      ),
    );
    const getFunctions = await Promise.all(
      Array.from({ length: 11 }, () =>
        limiter.schedule('getFunction', async () => Date.now()),
      ),
    );
    const controlPlaneTimes = await controlPlane;

    // 11 calls at 20 per second need at least 10 gaps of 50 ms.
    expect(controlPlaneTimes[10] - started).toBeGreaterThanOrEqual(480);
    // GetFunction has its own budget: not held up by the control-plane queue.
    expect(getFunctions[10] - started).toBeLessThan(250);
  });

  it('does not make a queued call once the signal aborted', async () => {
    const limiter = new LocationRateLimiter({
      getFunctionPerSecond: 5,
      lambdaControlPlanePerSecond: 5,
      cloudFormationPerSecond: 5,
      taggingPerSecond: 5,
    });
    const controller = new AbortController();
    const made: number[] = [];
    const first = limiter.schedule(
      'getFunction',
      async () => made.push(1),
      controller.signal,
    );
    const second = limiter.schedule(
      'getFunction',
      async () => made.push(2),
      controller.signal,
    );
    await first;
    controller.abort();

    await expect(second).rejects.toThrow();
    expect(made).toEqual([1]);
  });
});
