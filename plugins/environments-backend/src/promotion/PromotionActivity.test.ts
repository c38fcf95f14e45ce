import { mockServices } from '@backstage/backend-test-utils';
import { PromotionActivity } from './PromotionActivity';
import { PromotionStore } from './PromotionStore';

describe('PromotionActivity', () => {
  const store = {
    addEvent: jest.fn(async () => {}),
  } as unknown as PromotionStore;
  const event = (name: string) => ({
    subject: { type: 'promotion' as const, id: 'p1' },
    entityRef: 'component:default/checkout-api',
    event: name,
    at: '2026-11-23T10:00:00Z',
  });

  it('asks for the service to be re-read once a promotion has changed AWS, so the matrix shows it at once', async () => {
    const onSettled = jest.fn(async () => {});
    const activity = new PromotionActivity({
      store,
      logger: mockServices.logger.mock(),
      onSettled,
    });

    await activity.record(event('approved'));
    await activity.record(event('running'));
    expect(onSettled).not.toHaveBeenCalled();

    await activity.record(event('succeeded'));
    expect(onSettled).toHaveBeenCalledWith('component:default/checkout-api');
  });

  it('keeps the recorded change when the re-read fails, and says so in the log', async () => {
    const logger = mockServices.logger.mock();
    const activity = new PromotionActivity({
      store,
      logger,
      onSettled: async () => {
        throw new Error('AWS unreachable');
      },
    });

    await expect(
      activity.record(event('rolled-back')),
    ).resolves.toBeUndefined();
    await new Promise(resolve => setImmediate(resolve));
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('AWS unreachable'),
    );
  });
});
