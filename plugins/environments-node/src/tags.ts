/**
 * Tag rules: required keys, allowed values, and consistency with the catalog. Pure; documented in
 * docs/compliance.md.
 */

/** The tag keys whose values are checked against the catalog. */
export interface CatalogTagKeys {
  /** Must hold the environment's short or long spelling; default `Environment`. */
  environment: string;
  /** Must name the Component's owner; default `Owner`. */
  owner: string;
  /** Must equal the `environments.io/project` annotation; default `Project`. */
  project: string;
  /** Must equal the component token; default `Component`. */
  component: string;
}

/** The default catalog tag keys, the same as the discovery tags. */
export const DEFAULT_CATALOG_TAG_KEYS: CatalogTagKeys = {
  environment: 'Environment',
  owner: 'Owner',
  project: 'Project',
  component: 'Component',
};

/** The tag rules in force, as configured. */
export interface TagRules {
  /** Keys every resource must carry, in every environment. */
  required: string[];
  /** Further keys required in one environment, by environment name. */
  requiredByEnvironment: Record<string, string[]>;
  /** The values a key may take; keys not listed may take any value. */
  allowedValues: Record<string, string[]>;
  catalogTags: CatalogTagKeys;
}

/** What the catalog says about the service, and where the resource runs. */
export interface TagContext {
  environment: { name: string; shortName: string; longName: string };
  /** The `environments.io/project` annotation. */
  project?: string;
  /** The component token. */
  component?: string;
  /** The Component's owner, as an entity ref (`group:default/team-checkout`) or a bare name. */
  owner?: string;
}

/** The rule a resource's tags break. */
export type TagRule =
  | 'tags.required'
  | 'tags.allowed-values'
  | 'tags.environment'
  | 'tags.owner'
  | 'tags.project'
  | 'tags.component';

/** One tag problem of one resource. */
export interface TagViolation {
  rule: TagRule;
  /** The tag key concerned. */
  key: string;
  message: string;
  expected?: string;
  actual?: string;
}

/** The name part of an entity ref: `group:default/team-checkout` → `team-checkout`. */
export function entityRefName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1).replace(/^[^:]*:/, '');
}

/** The keys required in an environment: the global ones, then the environment's own, without repeats. */
export function requiredTagKeys(
  rules: TagRules,
  environment: string,
): string[] {
  return [
    ...new Set([
      ...rules.required,
      ...(rules.requiredByEnvironment[environment] ?? []),
    ]),
  ];
}

/**
 * Checks a resource's tags: every required key is present, values are allowed, and the Environment,
 * Owner, Project and Component tags agree with where the resource runs and with the catalog.
 */
export function checkTags(
  tags: Record<string, string>,
  rules: TagRules,
  context: TagContext,
): TagViolation[] {
  return [
    ...missingTags(tags, rules, context),
    ...disallowedValues(tags, rules),
    ...catalogDisagreements(tags, rules, context),
  ];
}

/** Required keys that are missing; one in another letter case is named, since AWS treats it as another key. */
function missingTags(
  tags: Record<string, string>,
  rules: TagRules,
  context: TagContext,
): TagViolation[] {
  const keys = Object.keys(tags);
  return requiredTagKeys(rules, context.environment.name)
    .filter(key => !(key in tags))
    .map(key => {
      const lookalike = keys.find(k => k.toLowerCase() === key.toLowerCase());
      return {
        rule: 'tags.required',
        key,
        message: lookalike
          ? `Required tag '${key}' is missing (there is '${lookalike}', but tag keys are case-sensitive)`
          : `Required tag '${key}' is missing`,
        expected: key,
        ...(lookalike ? { actual: lookalike } : {}),
      };
    });
}

/** Tags whose value is not one of those allowed for their key. */
function disallowedValues(
  tags: Record<string, string>,
  rules: TagRules,
): TagViolation[] {
  const violations: TagViolation[] = [];
  for (const [key, allowed] of Object.entries(rules.allowedValues)) {
    const value = tags[key];
    if (value !== undefined && !allowed.includes(value)) {
      violations.push({
        rule: 'tags.allowed-values',
        key,
        message: `Tag '${key}' is '${value}', which is not one of the allowed values ${allowed
          .map(v => `'${v}'`)
          .join(', ')}`,
        expected: allowed.join(' | '),
        actual: value,
      });
    }
  }
  return violations;
}

/** The Environment, Owner, Project and Component tags that disagree with where it runs and with the catalog. */
function catalogDisagreements(
  tags: Record<string, string>,
  rules: TagRules,
  context: TagContext,
): TagViolation[] {
  const keys = rules.catalogTags;
  const violations: TagViolation[] = [];
  const envValue = tags[keys.environment];
  if (envValue !== undefined) {
    const { name, shortName, longName } = context.environment;
    const spellings = [...new Set([shortName, longName])];
    if (!spellings.some(s => s.toLowerCase() === envValue.toLowerCase())) {
      violations.push({
        rule: 'tags.environment',
        key: keys.environment,
        message: `Tag '${
          keys.environment
        }' is '${envValue}' but the resource runs in ${name} (expected ${spellings
          .map(s => `'${s}'`)
          .join(' or ')})`,
        expected: spellings.join(' | '),
        actual: envValue,
      });
    }
  }
  const ownerValue = tags[keys.owner];
  if (ownerValue !== undefined && context.owner) {
    const owner = entityRefName(context.owner);
    // Compare on the group name: tags hold `team-checkout`, the catalog `group:default/team-checkout`.
    if (entityRefName(ownerValue).toLowerCase() !== owner.toLowerCase()) {
      violations.push({
        rule: 'tags.owner',
        key: keys.owner,
        message: `Tag '${keys.owner}' is '${ownerValue}' but the catalog says the owner is ${context.owner}`,
        expected: owner,
        actual: ownerValue,
      });
    }
  }
  const projectValue = tags[keys.project];
  if (
    projectValue !== undefined &&
    context.project &&
    projectValue !== context.project
  ) {
    violations.push({
      rule: 'tags.project',
      key: keys.project,
      message: `Tag '${keys.project}' is '${projectValue}' but the catalog's project annotation says '${context.project}'`,
      expected: context.project,
      actual: projectValue,
    });
  }
  const componentValue = tags[keys.component];
  if (
    componentValue !== undefined &&
    context.component &&
    componentValue !== context.component
  ) {
    violations.push({
      rule: 'tags.component',
      key: keys.component,
      message: `Tag '${keys.component}' is '${componentValue}' but the service's component is '${context.component}'`,
      expected: context.component,
      actual: componentValue,
    });
  }
  return violations;
}
