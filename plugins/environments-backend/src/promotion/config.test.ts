import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readPromotionConfig } from './config';

const locations = [{ accountId: '111111111111', region: 'eu-west-1' }];
function config(prod: JsonObject = {}, extra: JsonObject = {}) {
  return new ConfigReader({
    environments: {
      definitions: [
        { name: 'dev', locations },
        { name: 'staging', locations },
        { name: 'prod', locations, ...prod },
      ],
      ...extra,
    },
  });
}

describe('readPromotionConfig', () => {
  it('requires one approval from the owner by default, which is the safe choice for production', () => {
    const { policies, smokeCheck } = readPromotionConfig(config());
    expect(policies.get('prod')).toEqual({
      environment: 'prod',
      requiresApproval: true,
      approvals: 1,
      approvers: undefined,
      requestTtlMs: 3 * 24 * 3600_000,
      approvalTtlMs: 24 * 3600_000,
      allowSkipFrom: [],
      windows: [],
      trafficShift: undefined,
      rollback: { allowedGroups: undefined },
    });
    expect(smokeCheck).toEqual({
      timeoutMs: 10_000,
      attempts: 3,
      intervalMs: 5_000,
    });
  });

  it('reads approvals, approvers (as full refs), TTLs, windows and traffic shift', () => {
    const { policies } = readPromotionConfig(
      config({
        promotion: {
          approvals: 2,
          approvers: ['release-managers', 'user:default/dave'],
          requestTtl: { hours: 8 },
          approvalTtl: '2h',
          allowSkipFrom: ['dev'],
          windows: [
            {
              days: ['fri'],
              start: '16:00',
              end: '24:00',
              timezone: 'Europe/Berlin',
              reason: 'Weekend freeze',
            },
            {
              from: '2026-12-20T00:00:00Z',
              until: '2027-01-04T00:00:00Z',
              reason: 'Holidays',
            },
          ],
          trafficShift: { steps: [10, 50, 100], wait: { seconds: 30 } },
        },
        rollback: { allowedGroups: ['team-checkout'] },
      }),
    );
    const prod = policies.get('prod')!;
    expect(prod).toMatchObject({
      approvals: 2,
      approvers: ['group:default/release-managers', 'user:default/dave'],
      requestTtlMs: 8 * 3600_000,
      approvalTtlMs: 2 * 3600_000,
      allowSkipFrom: ['dev'],
      trafficShift: { steps: [10, 50, 100], waitMs: 30_000 },
      rollback: { allowedGroups: ['group:default/team-checkout'] },
    });
    expect(prod.windows).toEqual([
      {
        kind: 'weekly',
        days: [5],
        start: 960,
        end: 1440,
        timeZone: 'Europe/Berlin',
        reason: 'Weekend freeze',
      },
      {
        kind: 'once',
        from: new Date('2026-12-20T00:00:00Z'),
        until: new Date('2027-01-04T00:00:00Z'),
        reason: 'Holidays',
      },
    ]);
  });

  it('no approval means zero approvals needed', () => {
    expect(
      readPromotionConfig(
        config({ promotion: { requiresApproval: false } }),
      ).policies.get('prod'),
    ).toMatchObject({ requiresApproval: false, approvals: 0 });
  });

  it.each([
    [
      { promotion: { approvals: 0 } },
      /promotion.approvals must be a whole number of at least 1, got 0/,
    ],
    [
      { promotion: { approvers: [] } },
      /promotion.approvers must name at least one group or user/,
    ],
    [
      { promotion: { requestTtl: 'soon' } },
      /promotion.requestTtl is not a duration/,
    ],
    [
      { promotion: { allowSkipFrom: ['staging'] } },
      /allowSkipFrom: 'staging' must name an environment at least two before 'prod'/,
    ],
    [
      { promotion: { windows: [{ start: '16:00', end: '24:00' }] } },
      /windows\[0\].reason is required/,
    ],
    [
      {
        promotion: { windows: [{ start: '25:00', end: '24:00', reason: 'x' }] },
      },
      /windows\[0\]: a weekly window needs 'start' and 'end' as HH:MM/,
    ],
    [
      {
        promotion: {
          windows: [
            {
              days: ['friday', 'funday'],
              start: '10:00',
              end: '11:00',
              reason: 'x',
            },
          ],
        },
      },
      /days: 'funday' is not a day of the week/,
    ],
    [
      {
        promotion: {
          windows: [
            {
              start: '10:00',
              end: '11:00',
              timezone: 'Mars/Olympus',
              reason: 'x',
            },
          ],
        },
      },
      /timezone: 'Mars\/Olympus' is not an IANA time zone/,
    ],
    [
      {
        promotion: {
          windows: [{ from: '2027-01-04', until: '2026-12-20', reason: 'x' }],
        },
      },
      /until after from/,
    ],
    [
      { promotion: { trafficShift: { steps: [50, 10, 100] } } },
      /trafficShift.steps must be increasing percentages/,
    ],
    [{ promotion: { trafficShift: { steps: [10, 50] } } }, /ending with 100/],
    [
      { rollback: { requiresApproval: true } },
      /rollback.requiresApproval: approvals for rollbacks are not supported/,
    ],
  ])('rejects %j with an error naming the key', (prod, message) => {
    expect(() => readPromotionConfig(config(prod as JsonObject))).toThrow(
      message,
    );
  });

  it('names the environment index in errors', () => {
    expect(() =>
      readPromotionConfig(config({ promotion: { approvals: 1.5 } })),
    ).toThrow(
      'environments.definitions[2].promotion.approvals must be a whole number of at least 1, got 1.5',
    );
  });
});
