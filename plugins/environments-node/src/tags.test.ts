import {
  DEFAULT_CATALOG_TAG_KEYS,
  TagContext,
  TagRules,
  checkTags,
  entityRefName,
} from './tags';

const rules: TagRules = {
  required: [
    'Project',
    'Component',
    'Environment',
    'ManagedBy',
    'Owner',
    'CostCenter',
  ],
  requiredByEnvironment: { prod: ['DataClassification'] },
  allowedValues: { ManagedBy: ['cloudformation', 'terraform'] },
  catalogTags: DEFAULT_CATALOG_TAG_KEYS,
};

const staging: TagContext = {
  environment: { name: 'staging', shortName: 'staging', longName: 'staging' },
  project: 'shop',
  component: 'notifications-worker',
  owner: 'group:default/team-platform',
};

const goodTags = {
  Project: 'shop',
  Component: 'notifications-worker',
  Environment: 'staging',
  ManagedBy: 'cloudformation',
  Owner: 'team-platform',
  CostCenter: 'cc-100',
};

describe('checkTags', () => {
  it('accepts tags that satisfy every rule, comparing the owner on the group name', () => {
    expect(checkTags(goodTags, rules, staging)).toEqual([]);
    expect(
      checkTags(
        { ...goodTags, Owner: 'group:default/team-platform' },
        rules,
        staging,
      ),
    ).toEqual([]);
  });

  it('lists each missing required tag (the demo staging notifications-worker)', () => {
    const { Owner, CostCenter, ...withoutOwner } = goodTags;
    const violations = checkTags(withoutOwner, rules, staging);
    expect(violations.map(v => [v.rule, v.key])).toEqual([
      ['tags.required', 'Owner'],
      ['tags.required', 'CostCenter'],
    ]);
    expect(violations[0].message).toBe("Required tag 'Owner' is missing");
  });

  it('adds the keys required in one environment only', () => {
    const prod: TagContext = {
      ...staging,
      environment: { name: 'prod', shortName: 'prod', longName: 'production' },
    };
    const violations = checkTags(
      { ...goodTags, Environment: 'production' },
      rules,
      prod,
    );
    expect(violations.map(v => v.key)).toEqual(['DataClassification']);
  });

  it('points at a key written in another case', () => {
    const { Owner, ...rest } = goodTags;
    const [violation] = checkTags(
      { ...rest, owner: 'team-platform' },
      rules,
      staging,
    );
    expect(violation.message).toContain("there is 'owner'");
  });

  it('rejects values that are not allowed', () => {
    const [violation] = checkTags(
      { ...goodTags, ManagedBy: 'console' },
      rules,
      staging,
    );
    expect(violation).toMatchObject({
      rule: 'tags.allowed-values',
      key: 'ManagedBy',
      actual: 'console',
    });
    expect(violation.message).toContain("'cloudformation', 'terraform'");
  });

  it('checks the Environment tag against both spellings of the environment', () => {
    const prod: TagContext = {
      ...staging,
      environment: { name: 'prod', shortName: 'prod', longName: 'production' },
    };
    const tags = { ...goodTags, DataClassification: 'internal' };
    expect(checkTags({ ...tags, Environment: 'prod' }, rules, prod)).toEqual(
      [],
    );
    expect(
      checkTags({ ...tags, Environment: 'production' }, rules, prod),
    ).toEqual([]);
    const [violation] = checkTags(
      { ...tags, Environment: 'staging' },
      rules,
      prod,
    );
    expect(violation).toMatchObject({
      rule: 'tags.environment',
      expected: 'prod | production',
      actual: 'staging',
    });
    expect(violation.message).toBe(
      "Tag 'Environment' is 'staging' but the resource runs in prod (expected 'prod' or 'production')",
    );
  });

  it('checks Owner, Project and Component against the catalog', () => {
    const violations = checkTags(
      {
        ...goodTags,
        Owner: 'team-checkout',
        Project: 'shop-legacy',
        Component: 'notifier',
      },
      rules,
      staging,
    );
    expect(violations.map(v => [v.rule, v.expected, v.actual])).toEqual([
      ['tags.owner', 'team-platform', 'team-checkout'],
      ['tags.project', 'shop', 'shop-legacy'],
      ['tags.component', 'notifications-worker', 'notifier'],
    ]);
  });

  it('uses the configured catalog tag keys', () => {
    const custom: TagRules = {
      ...rules,
      required: [],
      catalogTags: { ...DEFAULT_CATALOG_TAG_KEYS, environment: 'env' },
    };
    expect(checkTags({ env: 'dev' }, custom, staging).map(v => v.key)).toEqual([
      'env',
    ]);
  });
});

describe('entityRefName', () => {
  it('takes the name from full and short refs', () => {
    expect(entityRefName('group:default/team-checkout')).toBe('team-checkout');
    expect(entityRefName('group:team-checkout')).toBe('team-checkout');
    expect(entityRefName('team-checkout')).toBe('team-checkout');
  });
});
