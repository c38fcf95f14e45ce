import { UrlReaderService } from '@backstage/backend-plugin-api';
import { parseLocationRef } from '@backstage/catalog-model';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import { parse as parseYaml } from 'yaml';
import { DeclaredKey, DeclaredOverrides, DeclaredValues } from './types';

/** Every key that can be declared, with what a valid value is. */
export const DECLARED_KEYS: readonly DeclaredKey[] = [
  'memory',
  'timeout',
  'reservedConcurrency',
  'runtime',
  'handler',
  'architecture',
  'packageType',
];

/**
 * Terraform variable names (in `terraform.tfvars`) and the declared key each one sets. Other variables
 * of the file are ignored: a tfvars file holds much more than function settings.
 */
export const TFVARS_KEYS: Readonly<Record<string, DeclaredKey>> = {
  memory_size: 'memory',
  timeout: 'timeout',
  reserved_concurrent_executions: 'reservedConcurrency',
  runtime: 'runtime',
  handler: 'handler',
  architecture: 'architecture',
  architectures: 'architecture',
  package_type: 'packageType',
};

/** The files read from a service's repository for one environment, in the order they apply. */
export function declaredFilePaths(environment: string): string[] {
  return [
    `envs/${environment}/terraform.tfvars`,
    `envs/${environment}/environment.yaml`,
  ];
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Checks one declared value and returns it normalised; throws an Error whose message says what is
 * wrong (the caller adds where).
 */
export function validateDeclaredValue(
  key: string,
  value: unknown,
): string | number | null {
  switch (key) {
    case 'memory':
    case 'timeout':
      if (!isPositiveInteger(value)) {
        throw new Error(
          `${key} must be a positive whole number, got ${JSON.stringify(
            value,
          )}`,
        );
      }
      return value;
    case 'reservedConcurrency':
      // Terraform's own "no reservation" value is -1.
      if (value === null || value === -1) {
        return null;
      }
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new Error(
          `reservedConcurrency must be a whole number ≥ 0, or null / -1 for none, got ${JSON.stringify(
            value,
          )}`,
        );
      }
      return value;
    case 'architecture': {
      const architecture =
        Array.isArray(value) && value.length === 1 ? value[0] : value;
      if (architecture !== 'x86_64' && architecture !== 'arm64') {
        throw new Error(
          `architecture must be x86_64 or arm64, got ${JSON.stringify(value)}`,
        );
      }
      return architecture;
    }
    case 'packageType':
      if (value !== 'Image' && value !== 'Zip') {
        throw new Error(
          `packageType must be Image or Zip, got ${JSON.stringify(value)}`,
        );
      }
      return value;
    case 'runtime':
    case 'handler':
      if (typeof value !== 'string' || value.trim() === '') {
        throw new Error(
          `${key} must be a non-empty string, got ${JSON.stringify(value)}`,
        );
      }
      return value;
    default:
      throw new Error(
        `unknown key '${key}'; known keys are ${DECLARED_KEYS.join(', ')}`,
      );
  }
}

type HclParse = (
  filename: string,
  contents: string,
) => Promise<Record<string, unknown>>;
let hclParse: HclParse | undefined;

/**
 * Loads the HCL parser (HashiCorp's hcl library compiled to WebAssembly) on first use only: loading it
 * starts the WebAssembly module, which services without a tfvars file never need.
 */
function loadHclParser(): HclParse {
  if (!hclParse) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hcl2json: typeof import('@cdktn/hcl2json') = require('@cdktn/hcl2json');
    hclParse = hcl2json.parse as HclParse;
  }
  return hclParse;
}

/**
 * Parses a `terraform.tfvars` file with a real HCL parser and maps its variables to declared keys.
 * Throws an Error naming the file and the line for invalid HCL, and the variable for a value that is an
 * expression or of the wrong type.
 */
export async function parseTfvars(
  contents: string,
  filename: string,
): Promise<DeclaredValues> {
  const parse = loadHclParser();
  let document: Record<string, unknown>;
  try {
    document = await parse(filename, contents);
  } catch (error) {
    throw new Error(
      `${filename} is not valid HCL: ${(error as Error).message}`,
    );
  }
  const values: DeclaredValues = {};
  for (const [variable, key] of Object.entries(TFVARS_KEYS)) {
    if (!(variable in document)) {
      continue;
    }
    const raw = document[variable];
    // hcl2json renders anything that is not a literal as a "${...}" template.
    if (typeof raw === 'string' && raw.startsWith('${')) {
      throw new Error(
        `${filename}: ${variable} is the expression ${raw.slice(
          2,
          -1,
        )}; only literal values can be compared`,
      );
    }
    try {
      values[key] = validateDeclaredValue(key, raw);
    } catch (error) {
      throw new Error(
        `${filename}: ${variable} (${key}): ${(error as Error).message}`,
      );
    }
  }
  return values;
}

/**
 * Parses an `environment.yaml` file: a map of declared keys (memory, timeout, reservedConcurrency, …).
 * Throws an Error naming the file and the key that is wrong; unknown keys are errors, to catch typos.
 */
export function parseEnvironmentYaml(
  contents: string,
  filename: string,
): DeclaredValues {
  let document: unknown;
  try {
    document = parseYaml(contents);
  } catch (error) {
    throw new Error(
      `${filename} is not valid YAML: ${(error as Error).message}`,
    );
  }
  if (document === null || document === undefined) {
    return {};
  }
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new Error(
      `${filename} must be a map of declared keys such as memory: 1024`,
    );
  }
  const values: DeclaredValues = {};
  for (const [key, raw] of Object.entries(document)) {
    try {
      values[key as DeclaredKey] = validateDeclaredValue(key, raw);
    } catch (error) {
      throw new Error(`${filename}: ${(error as Error).message}`);
    }
  }
  return values;
}

/** The base URL of a service's repository from its `backstage.io/source-location` annotation. */
export function repositoryBaseUrl(sourceLocation: string): string {
  const { type, target } = parseLocationRef(sourceLocation);
  if (type !== 'url') {
    throw new Error(
      `backstage.io/source-location must be a url: location to read declared values from, got '${sourceLocation}'`,
    );
  }
  return target.endsWith('/') ? target : `${target}/`;
}

/**
 * Reads the per-service declared values from the service's repository through Backstage's UrlReader:
 * `envs/<env>/terraform.tfvars`, then `envs/<env>/environment.yaml` (which wins where both set a key).
 * Files are cached by ETag, so a refresh that finds them unchanged costs one conditional request each.
 */
export class DeclaredConfigurationReader {
  private readonly cache = new Map<
    string,
    { etag?: string; contents: string }
  >();

  constructor(private readonly urlReader: UrlReaderService) {}

  /** Reads the declared values of every environment; a missing file is no override, an unusable one a problem. */
  async read(
    sourceLocation: string | undefined,
    environments: string[],
  ): Promise<DeclaredOverrides> {
    const result: DeclaredOverrides = { overrides: [], problems: [] };
    if (!sourceLocation) {
      return result;
    }
    let base: string;
    try {
      base = repositoryBaseUrl(sourceLocation);
    } catch (error) {
      // Not a problem of any one environment: report it once, on the first.
      result.problems.push({
        environment: environments[0] ?? '',
        source: sourceLocation,
        message: (error as Error).message,
      });
      return result;
    }
    for (const environment of environments) {
      for (const path of declaredFilePaths(environment)) {
        const url = new URL(path, base).toString();
        try {
          const contents = await this.readFile(url);
          if (contents === undefined) {
            continue;
          }
          const values = path.endsWith('.tfvars')
            ? await parseTfvars(contents, path)
            : parseEnvironmentYaml(contents, path);
          // One override per file, in the order they apply, so a finding can name the file a value came from.
          result.overrides.push({ environment, source: url, values });
        } catch (error) {
          result.problems.push({
            environment,
            source: url,
            message: (error as Error).message,
          });
        }
      }
    }
    return result;
  }

  /** Reads one file of a repository, ETag-cached; undefined when it does not exist. */
  async readFile(url: string): Promise<string | undefined> {
    const cached = this.cache.get(url);
    try {
      const response = await this.urlReader.readUrl(url, {
        etag: cached?.etag,
      });
      const contents = (await response.buffer()).toString('utf8');
      this.cache.set(url, { etag: response.etag, contents });
      return contents;
    } catch (error) {
      if (
        error instanceof NotModifiedError ||
        (error as Error)?.name === 'NotModifiedError'
      ) {
        return cached?.contents;
      }
      if (
        error instanceof NotFoundError ||
        (error as Error)?.name === 'NotFoundError'
      ) {
        this.cache.delete(url);
        return undefined;
      }
      throw new Error(`${url} could not be read: ${(error as Error).message}`);
    }
  }
}
