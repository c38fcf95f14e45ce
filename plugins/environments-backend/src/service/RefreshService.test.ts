import { mockServices } from '@backstage/backend-test-utils';
import { MatrixStore } from '../database/MatrixStore';
import { ENVIRONMENTS, service } from '../database/__testUtils__/demoFleet';
import { RefreshService } from './RefreshService';
import { FakeCollector } from './__testUtils__/testBackend';

function setUp() {
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
  };
  const services = [service('checkout-api'), service('inventory-service')];
  const refresh = new RefreshService({
    services: { listServices: async () => services },
    collector,
    store,
    environments: ENVIRONMENTS,
    logger: mockServices.logger.mock(),
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
});
