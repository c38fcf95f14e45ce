import { UrlReaderService } from '@backstage/backend-plugin-api';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import {
  DeclaredConfigurationReader,
  parseEnvironmentYaml,
  parseTfvars,
  repositoryBaseUrl,
} from './declared';

describe('parseTfvars', () => {
  it('maps Terraform variables to declared keys with a real HCL parser (comments, blocks, heredocs)', async () => {
    const tfvars = `
# Lambda settings for prod
memory_size                    = 1024   # MB
timeout                        = 300    // seconds
reserved_concurrent_executions = 50
architectures                  = ["arm64"]
/* unrelated variables are ignored */
tags = {
  Owner = "team-platform"
}
description = <<EOT
Reporting API
EOT
`;
    await expect(
      parseTfvars(tfvars, 'envs/prod/terraform.tfvars'),
    ).resolves.toEqual({
      memory: 1024,
      timeout: 300,
      reservedConcurrency: 50,
      architecture: 'arm64',
    });
  });

  it("takes Terraform's -1 as no reserved concurrency", async () => {
    await expect(
      parseTfvars('reserved_concurrent_executions = -1', 'x.tfvars'),
    ).resolves.toEqual({
      reservedConcurrency: null,
    });
  });

  it('says where invalid HCL is', async () => {
    await expect(
      parseTfvars('memory_size = = 3\n', 'envs/prod/terraform.tfvars'),
    ).rejects.toThrow(
      /envs\/prod\/terraform.tfvars is not valid HCL: .*terraform.tfvars:1,15/,
    );
  });

  it('refuses expressions and wrong types, naming the variable', async () => {
    await expect(
      parseTfvars('memory_size = 2 * 512', 'envs/dev/terraform.tfvars'),
    ).rejects.toThrow(
      'envs/dev/terraform.tfvars: memory_size is the expression 2 * 512; only literal values can be compared',
    );
    await expect(
      parseTfvars('timeout = "five minutes"', 'envs/dev/terraform.tfvars'),
    ).rejects.toThrow(
      'envs/dev/terraform.tfvars: timeout (timeout): timeout must be a positive whole number, got "five minutes"',
    );
  });
});

describe('parseEnvironmentYaml', () => {
  it('reads declared keys', () => {
    expect(
      parseEnvironmentYaml(
        'memory: 1024\ntimeout: 300\nreservedConcurrency: 10\n',
        'envs/staging/environment.yaml',
      ),
    ).toEqual({ memory: 1024, timeout: 300, reservedConcurrency: 10 });
    expect(parseEnvironmentYaml('', 'envs/staging/environment.yaml')).toEqual(
      {},
    );
  });

  it('rejects unknown keys, to catch typos', () => {
    expect(() =>
      parseEnvironmentYaml('memroy: 1024', 'envs/staging/environment.yaml'),
    ).toThrow(
      "envs/staging/environment.yaml: unknown key 'memroy'; known keys are memory, timeout",
    );
    expect(() =>
      parseEnvironmentYaml('- 1', 'envs/staging/environment.yaml'),
    ).toThrow(/must be a map/);
  });
});

describe('repositoryBaseUrl', () => {
  it('reads url: source locations and rejects others', () => {
    expect(
      repositoryBaseUrl('url:https://github.com/acme/shop-reporting/tree/main'),
    ).toBe('https://github.com/acme/shop-reporting/tree/main/');
    expect(() => repositoryBaseUrl('file:/tmp/x')).toThrow(
      /must be a url: location/,
    );
  });
});

describe('DeclaredConfigurationReader', () => {
  const base = 'https://github.com/acme/shop-reporting/tree/main/';

  function reader(
    files: Record<string, string>,
    etags: Record<string, string> = {},
  ) {
    const requests: Array<{ url: string; etag?: string }> = [];
    const urlReader = {
      async readUrl(url: string, options?: { etag?: string }) {
        requests.push({ url, etag: options?.etag });
        if (!(url in files)) {
          throw new NotFoundError(`${url} not found`);
        }
        if (options?.etag && options.etag === etags[url]) {
          throw new NotModifiedError();
        }
        return {
          buffer: async () => Buffer.from(files[url]),
          etag: etags[url],
        };
      },
    } as unknown as UrlReaderService;
    return { requests, reader: new DeclaredConfigurationReader(urlReader) };
  }

  it('reads envs/<env>/terraform.tfvars and environment.yaml from the source location, one override per file', async () => {
    const { reader: declared } = reader({
      [`${base}envs/staging/terraform.tfvars`]:
        'memory_size = 512\ntimeout = 300\n',
      [`${base}envs/staging/environment.yaml`]: 'timeout: 240\n',
    });

    const result = await declared.read(`url:${base}`, ['dev', 'staging']);

    expect(result).toEqual({
      overrides: [
        {
          environment: 'staging',
          source: `${base}envs/staging/terraform.tfvars`,
          values: { memory: 512, timeout: 300 },
        },
        {
          environment: 'staging',
          source: `${base}envs/staging/environment.yaml`,
          values: { timeout: 240 },
        },
      ],
      problems: [],
    });
  });

  it('turns an unusable file into a problem naming the file, and reads nothing without a source location', async () => {
    const { reader: declared } = reader({
      [`${base}envs/prod/environment.yaml`]: 'memory: lots\n',
    });

    expect(await declared.read(`url:${base}`, ['prod'])).toEqual({
      overrides: [],
      problems: [
        {
          environment: 'prod',
          source: `${base}envs/prod/environment.yaml`,
          message:
            'envs/prod/environment.yaml: memory must be a positive whole number, got "lots"',
        },
      ],
    });
    expect(await declared.read(undefined, ['prod'])).toEqual({
      overrides: [],
      problems: [],
    });
  });

  it('asks again with the ETag and reuses the file when it did not change', async () => {
    const url = `${base}envs/prod/environment.yaml`;
    const { reader: declared, requests } = reader(
      { [url]: 'memory: 2048\n' },
      { [url]: 'v1' },
    );

    await declared.read(`url:${base}`, ['prod']);
    const second = await declared.read(`url:${base}`, ['prod']);

    expect(requests.filter(r => r.url === url).map(r => r.etag)).toEqual([
      undefined,
      'v1',
    ]);
    expect(second.overrides).toEqual([
      { environment: 'prod', source: url, values: { memory: 2048 } },
    ]);
  });
});
