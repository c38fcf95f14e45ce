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
    }>;

    /** Per-account settings beyond credentials. */
    accounts?: Array<{
      /** The 12-digit AWS account id. */
      accountId: string;
      /** An endpoint URL for every AWS API of this account; for an emulator such as moto. Omit for real AWS. */
      endpoint?: string;
    }>;

    /** Tag keys used to discover a service's resources by tags. */
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
    };

    /** Rate limits per account and region, kept below AWS Lambda's control-plane quotas. */
    rateLimits?: {
      /** GetFunction calls per second (AWS quota: 100); default 50. */
      getFunctionPerSecond?: number;
      /** All other Lambda control-plane calls per second (AWS quota: 15 shared); default 10. */
      lambdaControlPlanePerSecond?: number;
      /** CloudFormation calls per second; default 5. */
      cloudFormationPerSecond?: number;
    };
  };
}
