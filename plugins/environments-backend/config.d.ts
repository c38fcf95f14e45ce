import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Environments plugins. Documented in docs/configuration.md. */
  environments?: {
    /**
     * The environments in promotion order, first to last (e.g. dev, staging, prod).
     * @visibility frontend
     */
    definitions: Array<{
      /**
       * Name used everywhere in the product, e.g. `prod`. Lower case letters, digits and dashes.
       * @visibility frontend
       */
      name: string;
      /**
       * Human title, e.g. `Production`. Defaults to the name.
       * @visibility frontend
       */
      title?: string;
      /**
       * Short spelling used in resource names and tags, e.g. `prod`. Defaults to the name.
       * @visibility frontend
       */
      shortName?: string;
      /**
       * Long spelling used in resource names and tags, e.g. `production`. Defaults to the name.
       * @visibility frontend
       */
      longName?: string;
      /** Where the environment lives: one or more AWS account and region pairs. */
      locations: Array<{
        /** The 12-digit AWS account id. Credentials for it come from the `aws` section (integration-aws-node). */
        accountId: string;
        /** The AWS region, e.g. `eu-west-1`. */
        region: string;
      }>;
      /**
       * What this environment should run, compared with every function of every service in it.
       * Keys: memory (MB), timeout (s), reservedConcurrency (-1 for none), runtime, handler,
       * architecture (x86_64 | arm64), packageType (Image | Zip). A service's repository may override them
       * (envs/<env>/terraform.tfvars or envs/<env>/environment.yaml).
       */
      declared?: {
        memory?: number;
        timeout?: number;
        reservedConcurrency?: number;
        runtime?: string;
        handler?: string;
        architecture?: 'x86_64' | 'arm64';
        packageType?: 'Image' | 'Zip';
      };
      /** Tag keys required in this environment, in addition to environments.compliance.tags.required. */
      requiredTags?: string[];
      /** Promotions into this environment. Documented in docs/promotions.md. */
      promotion?: {
        /** Whether a promotion needs approval; default true. */
        requiresApproval?: boolean;
        /** Approvals needed (N); default 1. */
        approvals?: number;
        /** Groups or users (entity refs) whose members may approve; default the service's owner. */
        approvers?: string[];
        /** How long a request stays valid; default 3 days. */
        requestTtl?: HumanDuration | string;
        /** How long an approval counts; default 24 hours. */
        approvalTtl?: HumanDuration | string;
        /** Environments (at least two before this one) from which a promotion may skip those in between. */
        allowSkipFrom?: string[];
        /** When promotions into this environment are closed. */
        windows?: Array<{
          /** Shown to users while the window is closed. */
          reason: string;
          /** Weekly: days the range starts on (mon … sun); default every day. */
          days?: string[];
          /** Weekly: HH:MM; a range whose end is not after its start runs past midnight. */
          start?: string;
          /** Weekly: HH:MM, up to 24:00. */
          end?: string;
          /** Weekly: IANA time zone; default UTC. */
          timezone?: string;
          /** One-off: ISO 8601 instant. */
          from?: string;
          /** One-off: ISO 8601 instant. */
          until?: string;
        }>;
        /** Gradual traffic shift; overrides environments.promotion.trafficShift, false disables it. */
        trafficShift?:
          | false
          | {
              /** Percentages on the new version, increasing, ending with 100; default [10, 50, 100]. */
              steps?: number[];
              /** Between steps; default 1 minute. */
              wait?: HumanDuration | string;
            };
      };
      /** Rollbacks of this environment. */
      rollback?: {
        /** Must be false or absent: approvals for rollbacks are not supported. */
        requiresApproval?: boolean;
        /** Groups or users whose members may roll back; default anyone with environments.rollback. */
        allowedGroups?: string[];
      };
    }>;

    /** Per-account settings beyond credentials. */
    accounts?: Array<{
      /** The 12-digit AWS account id. */
      accountId: string;
      /** An endpoint URL for every AWS API of this account; for an emulator such as moto. Omit for real AWS. */
      endpoint?: string;
      /** The role assumed (with the main account's credentials) for promotions and rollbacks in this account. */
      writeRoleName?: string;
    }>;

    /**
     * Tag keys used to discover a service's resources by tags: a resource carrying all three, with the
     * service's values, belongs to it whatever its name (docs/collection.md).
     */
    discovery?: {
      /** Tag holding the project; default `Project`. */
      projectTag?: string;
      /** Tag holding the component; default `Component`. */
      componentTag?: string;
      /** Tag holding the environment (short or long spelling); default `Environment`. */
      environmentTag?: string;
    };

    /** The background refresh of the environment matrix. */
    refresh?: {
      /** How often the whole fleet is collected; default 10 minutes. */
      frequency?: HumanDuration | string;
      /** When a refresh is considered dead and may be taken over by another instance; default 15 minutes. */
      timeout?: HumanDuration | string;
      /**
       * How often the catalog is checked for services never collected (a new Component), which are then
       * collected alone instead of waiting for the next full refresh; default 30 seconds.
       */
      newServicesFrequency?: HumanDuration | string;
    };

    /** Rate limits per account and region, kept below AWS Lambda's control-plane quotas. */
    rateLimits?: {
      /** GetFunction calls per second (AWS quota: 100); default 50. */
      getFunctionPerSecond?: number;
      /** All other Lambda control-plane calls per second (AWS quota: 15 shared); default 10. */
      lambdaControlPlanePerSecond?: number;
      /** CloudFormation calls per second; default 5. */
      cloudFormationPerSecond?: number;
      /** Resource Groups Tagging API calls (GetResources pages) per second; default 5. */
      taggingPerSecond?: number;
      /** Parameter Store GetParametersByPath pages per second; default 10. */
      parameterStorePerSecond?: number;
      /** Secrets Manager ListSecrets pages per second; default 10. */
      secretsManagerPerSecond?: number;
    };

    /**
     * The configuration matrix: variables, parameters, secrets and flags per environment, their rules
     * and the promotion gate. Documented in docs/configuration-matrix.md.
     */
    settings?: {
      /**
       * Parameter Store path patterns read per environment (recursively); tokens {project}, {component},
       * {env}, {envLong}, {environment}. Default ['/{project}/{env}/{component}/']. Secrets are listed
       * under the same paths (with or without the leading slash).
       */
      parameterPaths?: string[];
      /** Read envs/settings.yaml from each service's repository (rules that add to these); default true. */
      readRepositoryFile?: boolean;
      /** Rules of every service. */
      rules?: {
        /** Per variable: { required: all | [envs], forbidden: [envs], only: [envs] }. */
        variables?: {
          [name: string]: {
            required?: string | string[];
            forbidden?: string | string[];
            only?: string | string[];
          };
        };
        /** Per flag: its plan, environment → true or false. */
        flags?: { [name: string]: { [environment: string]: boolean } };
        /** Environment → the environment whose flag plan it must match, e.g. { staging: prod }. */
        follows?: { [environment: string]: string };
      };
      /**
       * Per environment: `block` refuses a promotion request into it while it has configuration findings,
       * `warn` (the default) records them on the request for the approver.
       * @visibility frontend
       */
      promotionGate?: { [environment: string]: 'block' | 'warn' };
    };

    /** Naming conventions, tag rules, parity and drift checks. Documented in docs/compliance.md and docs/drift.md. */
    compliance?: {
      naming?: {
        /** Patterns per resource type, e.g. '{project}-{component}-{env}'. A type without one is not checked. */
        conventions?: {
          /**
           * Lambda functions. A service overrides it with the annotation environments.io/naming-convention.
           * Functions are also found by it (free tokens such as {purpose} match any text); without it they
           * are found by the built-in {project}-{component}-{env} and their names are not judged.
           * @visibility frontend
           */
          lambdaFunction?: string;
          /**
           * CloudFormation stacks, e.g. '{Project}-{envLong}-{Stack}'. A service overrides it with
           * environments.io/naming-convention.cloudformation-stack.
           * @visibility frontend
           */
          cloudFormationStack?: string;
        };
      };
      tags?: {
        /** Tag keys every function must carry, e.g. [Project, Component, Environment, ManagedBy, Owner, CostCenter]. */
        required?: string[];
        /** Allowed values per tag key, e.g. { ManagedBy: [cloudformation, terraform] }. */
        allowedValues?: { [key: string]: string[] };
        /** The tag that must name the Component's owner; default Owner. */
        ownerTag?: string;
      };
      parity?: {
        /**
         * Keys that may differ between consecutive environments; default [memory, timeout, reservedConcurrency].
         * Others: runtime, handler, architecture, packageType, environmentVariableNames, layers.
         */
        allowedToDiffer?: string[];
      };
      /** Read envs/<env>/terraform.tfvars and envs/<env>/environment.yaml from each service's repository; default true. */
      readRepositoryFiles?: boolean;
      cloudFormationDrift?: {
        /** Stacks checked per scheduled run (the call budget), oldest-checked first; default 5. 0 turns the schedule off. */
        stacksPerRun?: number;
        /** How often the scheduled drift check runs; default every 6 hours. */
        frequency?: HumanDuration | string;
      };
    };

    /** Promotion settings for every environment. Documented in docs/promotions.md. */
    promotion?: {
      /** Write role for accounts without environments.accounts[].writeRoleName. */
      writeRoleName?: string;
      /** How long to wait for a function update to finish; default 5 minutes. */
      updateTimeout?: HumanDuration | string;
      smokeCheck?: {
        /** Per attempt; default 10 seconds. */
        timeout?: HumanDuration | string;
        /** Default 3. */
        attempts?: number;
        /** Between attempts; default 5 seconds. */
        interval?: HumanDuration | string;
      };
      /** Default traffic shift of every environment; absent: switch at once. */
      trafficShift?: {
        steps?: number[];
        wait?: HumanDuration | string;
      };
    };

    /**
     * Creating a new service's environments (POST /provisions, the scaffolder's environments:provision).
     * Documented in docs/scaffolder.md.
     */
    provisioning?: {
      /** Environments deployed when a service is created; default the first environment. */
      deployTo?: string[];
      /** The image a new service runs until its first build, looked up by tag in each account's ECR. Without it, creating services is refused. */
      initialImage?: {
        /** ECR repository name, e.g. platform-hello. */
        repository: string;
        /** e.g. 1.0.0 */
        tag: string;
      };
      /** How long to wait for one environment's stack, in seconds; default 600. */
      stackTimeoutSeconds?: number;
    };
  };
}
