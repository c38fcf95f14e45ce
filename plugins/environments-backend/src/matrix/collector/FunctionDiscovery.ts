import { Config } from '@backstage/config';
import {
  EnvironmentDefinition,
  FunctionSearch,
  NAMING_CONVENTION_ANNOTATION,
  functionNameAnnotation,
} from '@internal/backstage-plugin-environments-common';
import {
  NamePattern,
  namePattern,
  serviceNamingContext,
  NamingContext,
  NamingConvention,
  checkName,
  parseNamingConvention,
  conventionsInForce,
} from '@internal/backstage-plugin-environments-node';
import { readNamingConventions } from '../../compliance/readNamingConventions';
import { readDiscoveryTags } from '../../config/readEnvironmentsConfig';
import { DEFAULT_DISCOVERY_TAGS, DiscoveryTags } from './serviceMatching';
import { ServiceDescriptor } from './types';

/** Functions are found by this convention when none is configured (names are then not judged). */
export const DEFAULT_LAMBDA_CONVENTION = parseNamingConvention(
  '{project}-{component}-{env}',
);

/** The config key of the Lambda naming convention. */
export const LAMBDA_CONVENTION_KEY =
  'environments.compliance.naming.conventions.lambdaFunction';

/**
 * What the collector looks for, for one service in one environment: the one source of the matching
 * and of what users are told was searched when nothing was found.
 */
export interface ServiceSearch {
  service: ServiceDescriptor;
  environment: EnvironmentDefinition;
  /** The name `environments.io/function.<env>` gives, if any. */
  explicitName?: string;
  /** The names the convention in force allows, the service's values filled in. */
  pattern: NamePattern;
  /** Where that convention is set (annotation, config key or `default`). */
  conventionSetBy: string;
  /** The convention names are judged by: undefined when none is configured or annotated. */
  judgedBy?: NamingConvention;
  context: NamingContext;
  /** Lower-cased tag values a function must carry: project, component, environment (either spelling). */
  tagValues: { project: string; component: string; environments: string[] };
}

/**
 * The rules by which a service's functions are found: its explicit names, the naming convention in
 * force for it (its own annotation, else the configured one, else the built-in default) and the
 * discovery tags. Shared by the collector (matching) and the API (what was searched).
 */
export class FunctionDiscovery {
  readonly discoveryTags: DiscoveryTags;
  private readonly lambdaConvention?: NamingConvention;
  /** Service conventions by annotation value; undefined for an invalid one. */
  private readonly annotated = new Map<string, NamingConvention | undefined>();

  /**
   * Reads the tag keys of `environments.discovery` and the configured Lambda naming convention, with
   * the readers of the plugin's config (which builds its one FunctionDiscovery from what it read).
   */
  static fromConfig(config: Config): FunctionDiscovery {
    return new FunctionDiscovery({
      discoveryTags: readDiscoveryTags(config),
      lambdaConvention: readNamingConventions(config)['lambda-function'],
    });
  }

  constructor(
    options: {
      /** Tag keys of tag discovery (config `environments.discovery`); unset keys keep their default. */
      discoveryTags?: Partial<DiscoveryTags>;
      /** The configured convention of Lambda functions (`LAMBDA_CONVENTION_KEY`). */
      lambdaConvention?: NamingConvention;
    } = {},
  ) {
    this.discoveryTags = { ...DEFAULT_DISCOVERY_TAGS };
    for (const [key, value] of Object.entries(options.discoveryTags ?? {})) {
      if (value) {
        this.discoveryTags[key as keyof DiscoveryTags] = value;
      }
    }
    this.lambdaConvention = options.lambdaConvention;
  }

  /** What to look for, for a service in an environment. */
  search(
    service: ServiceDescriptor,
    environment: EnvironmentDefinition,
  ): ServiceSearch {
    const { convention, setBy, judged } = this.conventionOf(service);
    const context = serviceNamingContext(service, environment);
    return {
      service,
      environment,
      explicitName: service.explicitFunctionNames[environment.name],
      pattern: namePattern(convention, context),
      conventionSetBy: setBy,
      judgedBy: judged ? convention : undefined,
      context,
      tagValues: {
        project: service.project.toLowerCase(),
        component: service.component.toLowerCase(),
        environments: [
          ...new Set([
            environment.shortName.toLowerCase(),
            environment.longName.toLowerCase(),
          ]),
        ],
      },
    };
  }

  /** What users are told was searched: the names, tags and locations of a search. */
  describe(search: ServiceSearch): FunctionSearch {
    const { service, environment, explicitName, pattern } = search;
    return {
      names: [
        ...(explicitName
          ? [
              {
                name: explicitName,
                source: 'annotation' as const,
                setBy: functionNameAnnotation(environment.name),
              },
            ]
          : []),
        {
          name: pattern.text,
          source: 'convention',
          convention: pattern.convention,
          setBy: search.conventionSetBy,
        },
      ],
      tags: [
        { key: this.discoveryTags.projectTag, values: [service.project] },
        { key: this.discoveryTags.componentTag, values: [service.component] },
        {
          key: this.discoveryTags.environmentTag,
          values: [...new Set([environment.shortName, environment.longName])],
        },
      ],
      locations: environment.locations,
    };
  }

  /**
   * The name the convention gives a function found by `search`, as compliance judges it (free tokens
   * read from the name); undefined when no convention is configured or annotated.
   */
  expectedName(
    search: ServiceSearch,
    functionName: string,
  ): string | undefined {
    if (!search.judgedBy) {
      return undefined;
    }
    if (search.pattern.exact && functionName === search.pattern.text) {
      // The one name a convention without free tokens gives: nothing to read or judge.
      return functionName;
    }
    const result = checkName(functionName, search.judgedBy, search.context);
    return result.ok ? result.expected : result.violation.expected;
  }

  private conventionOf(service: ServiceDescriptor): {
    convention: NamingConvention;
    setBy: string;
    judged: boolean;
  } {
    const pattern = service.namingOverrides?.['lambda-function'];
    if (pattern) {
      if (!this.annotated.has(pattern)) {
        // An invalid annotation is reported by compliance; the configured convention stays in force.
        this.annotated.set(
          pattern,
          conventionsInForce({}, { 'lambda-function': pattern }).conventions[
            'lambda-function'
          ],
        );
      }
      const convention = this.annotated.get(pattern);
      if (convention) {
        return {
          convention,
          setBy: NAMING_CONVENTION_ANNOTATION,
          judged: true,
        };
      }
    }
    return this.lambdaConvention
      ? {
          convention: this.lambdaConvention,
          setBy: LAMBDA_CONVENTION_KEY,
          judged: true,
        }
      : {
          convention: DEFAULT_LAMBDA_CONVENTION,
          setBy: 'default',
          judged: false,
        };
  }
}
