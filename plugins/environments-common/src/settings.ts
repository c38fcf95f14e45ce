import { Finding } from './compliance';

/** Where a setting of an environment comes from (docs/configuration-matrix.md). */
export type SettingSource = 'lambda-variable' | 'parameter' | 'secret';

/**
 * One place a setting is found in one environment. The value only where it is not secret: a Lambda
 * variable whose name does not say secret, a String or StringList parameter; never a SecureString's or a
 * secret's.
 */
export interface SettingLocation {
  source: SettingSource;
  /** The function name, the parameter's full name or the secret's name. */
  location: string;
  /** The parameter's type (`String`, `StringList`, `SecureString`). */
  type?: string;
  version?: number;
  value?: string;
  /** True when the value is secret and was not read. */
  secret: boolean;
}

/** One cell of the configuration matrix: a setting in one environment. */
export interface SettingCell {
  environment: string;
  present: boolean;
  locations: SettingLocation[];
  /** What the rules want there: `required`, `forbidden`, `on`, `off`. */
  expected?: string;
}

/** One row of the configuration matrix: a variable or a flag across the environments. */
export interface SettingRow {
  name: string;
  kind: 'variable' | 'flag';
  /** Where the rules about it were declared: config keys, files and lines. */
  declaredAt: string[];
  cells: SettingCell[];
}

/** Whether configuration findings stop a promotion request into an environment or only warn. */
export type PromotionGateMode = 'block' | 'warn';

/** One column of the configuration matrix. */
export interface SettingsEnvironment {
  environment: string;
  /** Whether the service runs there; nothing is read or judged where it does not. */
  runs: boolean;
  /** The Parameter Store paths read. */
  paths: string[];
  collectedAt?: string;
  error?: string;
  gate: PromotionGateMode;
}

/** A service's variables and flags × environments, with the findings of its rules. */
export interface SettingsMatrix {
  entityRef: string;
  environments: SettingsEnvironment[];
  rows: SettingRow[];
  findings: Finding[];
}

/** What a promotion into an environment meets there, and whether the request is refused. */
export interface PromotionGate {
  environment: string;
  mode: PromotionGateMode;
  /** True when the mode is `block` and there is at least one finding. */
  blocks: boolean;
  findings: Finding[];
}
