import { findingKey, summariseFindings } from './findings';

describe('findings', () => {
  it('counts findings by severity and kind and names the worst severity', () => {
    expect(
      summariseFindings(
        'component:default/notifications-worker',
        [
          { kind: 'tags', severity: 'error' },
          { kind: 'tags', severity: 'error' },
          { kind: 'naming', severity: 'warning' },
        ],
        '2026-11-23T10:00:00.000Z',
      ),
    ).toEqual({
      entityRef: 'component:default/notifications-worker',
      total: 3,
      bySeverity: { error: 2, warning: 1, info: 0 },
      byKind: {
        naming: 1,
        tags: 2,
        'config-drift': 0,
        parity: 0,
        'digest-drift': 0,
        'cloudformation-drift': 0,
        settings: 0,
      },
      worstSeverity: 'error',
      evaluatedAt: '2026-11-23T10:00:00.000Z',
    });
    expect(
      summariseFindings('component:default/inventory-service', [])
        .worstSeverity,
    ).toBeUndefined();
  });

  it('tells two missing tags of one function apart by their subject', () => {
    const base = {
      environment: 'staging',
      kind: 'tags',
      resource: 'arn:fn',
      rule: 'tags.required',
    };
    expect(findingKey({ ...base, subject: 'Owner' })).not.toBe(
      findingKey({ ...base, subject: 'CostCenter' }),
    );
    expect(findingKey({ ...base, subject: 'Owner' })).toBe(
      findingKey({ ...base, subject: 'Owner' }),
    );
    // A separator inside a part cannot make two different findings collide.
    expect(findingKey({ ...base, resource: 'a|b', rule: 'c' })).not.toBe(
      findingKey({ ...base, resource: 'a', rule: 'b|c' }),
    );
  });
});
