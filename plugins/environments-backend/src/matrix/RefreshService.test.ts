import { mockServices } from '@backstage/backend-test-utils';
import { MatrixStore } from './MatrixStore';
import { ENVIRONMENTS, service } from './__testUtils__/demoFleet';
import { RefreshService } from './RefreshService';
import { FakeCollector } from '../__testUtils__/testBackend';

function setUp(
  listener?: ConstructorParameters<typeof RefreshService>[0]['listener'],
) {
  const collector = new FakeCollector();
  const store = {
    saveRefresh: jest.fn<Promise<void>, Parameters<MatrixStore['saveRefresh']>>(
      async () => {},
    ),
    getMatrix: jest.fn(async (entityRef: string) => ({
      entityRef,
      environments: [],
    })),
    getHistory: jest.fn(),
    listFleet: jest.fn(),
    listServiceRefs: jest.fn(async () => [] as string[]),
  };
  const services = [service('checkout-api'), service('inventory-service')];
  const refresh = new RefreshService({
    services: { listServices: async () => services },
    collector,
    store,
    environments: ENVIRONMENTS,
    logger: mockServices.logger.mock(),
    listener,
  });
  return { collector, store, services, refresh };
}

describe('RefreshService', () => {
  it('collects every service of the catalog and replaces the stored fleet', async () => {
    const { collector, store, services, refresh } = setUp();

    await refresh.refreshFleet();

    expect(collector.calls).toEqual([services.map(s => s.entityRef)]);
    expect(store.saveRefresh).toHaveBeenCalledWith(
      expect.objectContaining({ services: expect.any(Array) }),
      services,
      { replaceFleet: true },
    );
  });

  it('saves nothing when the refresh is aborted (e.g. the task timed out)', async () => {
    const { store, refresh } = setUp();
    const controller = new AbortController();
    controller.abort();

    await expect(refresh.refreshFleet(controller.signal)).rejects.toThrow();
    expect(store.saveRefresh).not.toHaveBeenCalled();
  });

  it('refreshes one service without touching the rest of the fleet', async () => {
    const { collector, store, services, refresh } = setUp();

    const matrix = await refresh.refreshService(services[0]);

    expect(matrix.entityRef).toBe('component:default/checkout-api');
    expect(collector.calls).toEqual([['component:default/checkout-api']]);
    expect(store.saveRefresh).toHaveBeenCalledWith(expect.anything(), [
      services[0],
    ]);
  });

  it('shares one collection between concurrent refreshes of the same service', async () => {
    const { collector, services, refresh } = setUp();

    await Promise.all([
      refresh.refreshService(services[0]),
      refresh.refreshService(services[0]),
      refresh.refreshService(services[1]),
    ]);
    await refresh.refreshService(services[0]);

    expect(collector.calls).toEqual([
      ['component:default/checkout-api'],
      ['component:default/inventory-service'],
      ['component:default/checkout-api'],
    ]);
  });

  it('collects only the services the store has never seen, and nothing when there are none', async () => {
    const listener = {
      fleetRefreshed: jest.fn(async () => {}),
      serviceRefreshed: jest.fn(async () => {}),
    };
    const { collector, store, services, refresh } = setUp(listener);
    store.listServiceRefs.mockResolvedValue([services[0].entityRef]);

    expect(await refresh.refreshNewServices()).toBe(1);
    expect(collector.calls).toEqual([['component:default/inventory-service']]);
    expect(store.saveRefresh).toHaveBeenCalledWith(expect.anything(), [
      services[1],
    ]);
    expect(listener.serviceRefreshed).toHaveBeenCalledWith(services[1]);

    store.listServiceRefs.mockResolvedValue(services.map(s => s.entityRef));
    expect(await refresh.refreshNewServices()).toBe(0);
    expect(collector.calls).toHaveLength(1);
  });

  it('collects no new services while a full refresh of the same instance is running', async () => {
    const { collector, refresh } = setUp();
    let release: () => void = () => {};
    const collect = collector.collect.bind(collector);
    jest.spyOn(collector, 'collect').mockImplementationOnce(async options => {
      await new Promise<void>(resolve => {
        release = resolve;
      });
      return collect(options);
    });

    const full = refresh.refreshFleet();
    await new Promise(resolve => setImmediate(resolve));
    expect(await refresh.refreshNewServices()).toBe(0);
    release();
    await full;

    expect(collector.calls).toHaveLength(1);
  });

  it('has compliance evaluated after each saved refresh', async () => {
    const listener = {
      fleetRefreshed: jest.fn(async () => {}),
      serviceRefreshed: jest.fn(async () => {}),
    };
    const { store, services, refresh } = setUp(listener);

    await refresh.refreshFleet();
    await refresh.refreshService(services[1]);

    expect(listener.fleetRefreshed).toHaveBeenCalledWith(services, undefined);
    expect(listener.serviceRefreshed).toHaveBeenCalledWith(services[1]);
    // Evaluated on what was saved, not before.
    expect(store.saveRefresh.mock.invocationCallOrder[0]).toBeLessThan(
      listener.fleetRefreshed.mock.invocationCallOrder[0],
    );
  });

  it('still answers with the refreshed matrix when the evaluation fails', async () => {
    const { services, refresh } = setUp({
      fleetRefreshed: async () => {
        throw new Error('findings table locked');
      },
      serviceRefreshed: async () => {
        throw new Error('findings table locked');
      },
    });

    await expect(refresh.refreshFleet()).resolves.toBeUndefined();
    await expect(refresh.refreshService(services[0])).resolves.toMatchObject({
      entityRef: 'component:default/checkout-api',
    });
  });
});
