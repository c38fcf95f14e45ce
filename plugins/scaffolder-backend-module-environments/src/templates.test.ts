import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_CATALOG_TAG_KEYS,
  checkName,
  checkTags,
  parseNamingConvention,
} from '@internal/backstage-plugin-environments-node';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { checkoutApiMatrix } from './__testUtils__/checkoutApiMatrix';
import {
  StandInRoutes,
  startEnvironmentsStandIn,
} from './__testUtils__/environmentsStandIn';
import { scaffolderModule } from './module';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { GitServer, startGitServer } from '@internal/demo-git-server';

/**
 * Runs each template of examples/templates through the scaffolder's dry-run API, as the template editor
 * does: the real scaffolder backend with this module, the template folder uploaded, and a local stand-in
 * for the Environments backend (the only thing the actions talk to).
 */

const templatesDir = path.resolve(__dirname, '../../../examples/templates');

function readTemplate(name: string) {
  const dir = path.join(templatesDir, name);
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter(
    file => fs.statSync(path.join(dir, file)).isFile(),
  );
  return {
    template: parseYaml(
      fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
    ),
    directoryContents: files.map(file => ({
      path: file.split(path.sep).join('/'),
      base64Content: fs.readFileSync(path.join(dir, file)).toString('base64'),
    })),
  };
}

async function dryRun(
  name: string,
  values: Record<string, unknown>,
  routes: StandInRoutes = {},
) {
  const standIn = await startEnvironmentsStandIn(routes);
  try {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModule,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
        // The actions find the Environments backend through discovery: point it at the stand-in.
        mockServices.discovery.mock({
          getBaseUrl: async pluginId =>
            pluginId === 'environments'
              ? standIn.baseUrl
              : `http://localhost:0/api/${pluginId}`,
        }).factory,
      ],
    });
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ ...readTemplate(name), values });
    const messages: string[] = (response.body.log ?? []).map(
      (entry: { body: { message: string } }) => entry.body.message,
    );
    return { response, messages, received: standIn.requests };
  } finally {
    await standIn.close();
  }
}

function fileOf(response: request.Response, filePath: string): string {
  const file = response.body.directoryContents.find(
    (f: { path: string }) => f.path === filePath,
  );
  if (!file) {
    throw new Error(
      `${filePath} was not produced; got ${response.body.directoryContents
        .map((f: { path: string }) => f.path)
        .join(', ')}`,
    );
  }
  return Buffer.from(file.base64Content, 'base64').toString('utf8');
}

/** Reads `key = value` lines and the `tags = { … }` block of a tfvars file. */
function parseTfvars(text: string) {
  const values: Record<string, string> = {};
  const tags: Record<string, string> = {};
  let inTags = false;
  for (const line of text.split('\n').map(l => l.trim())) {
    if (line.startsWith('#') || line === '') continue;
    if (line === 'tags = {') {
      inTags = true;
      continue;
    }
    if (line === '}') {
      inTags = false;
      continue;
    }
    const match = /^(\w+)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new Error(`Unexpected tfvars line: ${line}`);
    (inTags ? tags : values)[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  return { values, tags };
}

const checkoutMatrix = checkoutApiMatrix([
  { environment: 'dev', digest: 'sha256:v150', liveVersion: '5' },
  { environment: 'staging', digest: 'sha256:v140', liveVersion: '4' },
  { environment: 'prod', digest: 'sha256:v132', liveVersion: '2' },
]);

describe('templates in examples/templates, through the scaffolder dry-run API', () => {
  it('lists every template folder in all.yaml', () => {
    const location = parseYaml(
      fs.readFileSync(path.join(templatesDir, 'all.yaml'), 'utf8'),
    );
    const folders = fs
      .readdirSync(templatesDir, { withFileTypes: true })
      .filter(entry => entry.isDirectory())
      .map(entry => `./${entry.name}/template.yaml`);
    expect(location.kind).toBe('Location');
    expect([...location.spec.targets].sort()).toEqual(folders.sort());
  });

  it('"Promote a service" shows what would be promoted and requests nothing', async () => {
    const { response, messages, received } = await dryRun(
      'promote-service',
      {
        service: 'component:default/checkout-api',
        targetEnvironment: 'prod',
        comment: 'release 1.4.0',
        wait: 'completion',
      },
      {
        'GET /services/default/component/checkout-api/matrix': () => ({
          body: checkoutMatrix,
        }),
      },
    );

    expect(response.status).toBe(200);
    expect(messages).toContainEqual(
      expect.stringContaining(
        'Dry run: would request the promotion of component:default/checkout-api from staging (version 4, sha256:v140) to prod (now version 2, sha256:v132)',
      ),
    );
    expect(messages).toContainEqual(
      expect.stringContaining(
        'would then wait up to 60 minutes for completion',
      ),
    );
    // Both steps read the matrix, as the user; nothing was asked of the backend.
    expect(received.map(r => `${r.method} ${r.path} ${r.onBehalfOf}`)).toEqual([
      'GET /services/default/component/checkout-api/matrix user:default/alice',
      'GET /services/default/component/checkout-api/matrix user:default/alice',
    ]);
    expect(response.body.output.links).toContainEqual(
      expect.objectContaining({
        title: 'Promotion request',
        url: 'http://localhost:3000/catalog/default/component/checkout-api',
      }),
    );
    expect(response.body.output.text[0].content).toContain(
      '**sha256:v140** from **staging**',
    );
  });

  it('"Promote a service" warns in the dry run when the previous environment runs another digest than the one expected', async () => {
    const expected = `sha256:${'e'.repeat(64)}`;
    const { response, messages } = await dryRun(
      'promote-service',
      {
        service: 'component:default/checkout-api',
        targetEnvironment: 'prod',
        digest: expected,
        wait: 'none',
      },
      {
        'GET /services/default/component/checkout-api/matrix': () => ({
          body: checkoutMatrix,
        }),
      },
    );
    expect(response.status).toBe(200);
    expect(messages).toContainEqual(
      expect.stringContaining(
        `Dry run: staging runs sha256:v140, not the digest given (${expected}): the request would be refused unless staging runs ${expected} when it is made`,
      ),
    );
  });

  it('"Promote a service" fails the dry run with the backend\'s message for a service without environments', async () => {
    const { response, received } = await dryRun('promote-service', {
      service: 'component:default/example-website',
      targetEnvironment: 'staging',
      wait: 'none',
    });
    // The stand-in answers 404 for unknown routes, as the backend does for a service it does not handle;
    // the dry run fails with that message.
    expect(response.status).toBe(500);
    expect(response.body.error.message).toBe(
      'Could not read the environment matrix of component:default/example-website: No route GET /services/default/component/example-website/matrix (HTTP 404)',
    );
    expect(received.every(r => r.method === 'GET')).toBe(true);
  });

  it('"Roll back a service" shows which version would become live and changes nothing', async () => {
    const { response, messages, received } = await dryRun(
      'rollback-service',
      {
        service: 'component:default/checkout-api',
        environment: 'prod',
        reason: 'errors after the release',
      },
      {
        'GET /services/default/component/checkout-api/environments/prod/versions':
          () => ({
            body: {
              items: [
                { version: '1', digest: 'sha256:v131', isLive: false },
                { version: '2', digest: 'sha256:v132', isLive: true },
              ],
            },
          }),
        'GET /services/default/component/checkout-api/matrix': () => ({
          body: checkoutMatrix,
        }),
      },
    );

    expect(response.status).toBe(200);
    expect(messages).toContainEqual(
      expect.stringContaining(
        'Dry run: would roll back component:default/checkout-api in prod from version 2 (sha256:v132) to version 1 (sha256:v131)',
      ),
    );
    expect(received.map(r => r.method)).toEqual(['GET', 'GET']);
    expect(response.body.output.text[0].content).toContain(
      '**prod** back to version **1**',
    );
  });

  it('have titles and descriptions a Markdown renderer shows as written (no <word> taken for HTML)', () => {
    for (const name of [
      'create-service',
      'promote-service',
      'rollback-service',
    ]) {
      const { metadata } = readTemplate(name).template;
      expect([name, `${metadata.title} ${metadata.description}`]).not.toEqual([
        name,
        expect.stringMatching(/<[A-Za-z][^>]*>/),
      ]);
    }
  });

  describe('"Create a new service"', () => {
    const repositories = createMockDirectory();
    let git: GitServer;
    beforeAll(async () => {
      git = await startGitServer({ repositoriesDir: repositories.path });
    });
    afterAll(() => git.stop());

    const provisionRoutes: StandInRoutes = {
      'POST /provisions': ({ body }) => ({
        body: {
          entityRef: `component:default/${body.component}`,
          status: 'planned',
          image: 'platform-hello:1.0.0',
          template: {
            Resources: { Function: { Type: 'AWS::Lambda::Function' } },
          },
          problems: [],
          environments: ['dev', 'staging', 'prod'].map(env => ({
            environment: env,
            accountId: '111111111111',
            region: 'eu-west-1',
            stackName: `${body.project}-${body.component}-${env}`,
            functionName: `${body.project}-${body.component}-${env}`,
            deploy: true,
            parameters: {
              FunctionName: `${body.project}-${body.component}-${env}`,
            },
            status: 'planned',
          })),
        },
      }),
    };

    it('plans the environments, the push and the registration, and changes nothing', async () => {
      const { response, messages, received } = await dryRun(
        'create-service',
        {
          project: 'shop',
          component: 'cart-api',
          owner: 'group:default/team-checkout',
          system: 'system:default/shop',
          description: 'Keeps the shopping cart',
          costCenter: 'cc-100',
          gitServer: git.url,
        },
        provisionRoutes,
      );
      expect(response.status).toBe(200);
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.stringContaining(
            'Dry run: would create stack shop-cart-api-dev in dev (account 111111111111, eu-west-1) with function shop-cart-api-dev on platform-hello:1.0.0',
          ),
          expect.stringMatching(
            new RegExp(
              `Dry run: would push \\d+ files to ${git.url}/shop-cart-api.git \\(branch main\\); nothing was pushed`,
            ),
          ),
          expect.stringMatching(
            /Skipping because catalog:register does not support dry-run/,
          ),
        ]),
      );
      // Only the plan was asked for, and no repository was created.
      expect(received.map(r => [r.method, r.path, r.body?.dryRun])).toEqual([
        ['POST', '/provisions', true],
      ]);
      expect(fs.readdirSync(repositories.path)).toEqual([]);
      expect(
        JSON.parse(fileOf(response, 'cloudformation/service.json')),
      ).toEqual({
        Resources: { Function: { Type: 'AWS::Lambda::Function' } },
      });
      expect(fileOf(response, 'cloudformation/prod.parameters.json')).toContain(
        'shop-cart-api-prod',
      );
      expect(response.body.output.text[0].content).toContain(
        '| prod | `shop-cart-api-prod` | `shop-cart-api-prod` | planned |',
      );
      expect(response.body.output.text[0].content).not.toContain(
        "task's workspace",
      );
    });

    it('fails the dry run on the problems the backend finds, as the real run would', async () => {
      const { response } = await dryRun(
        'create-service',
        {
          project: 'shop',
          component: 'checkout-api',
          owner: 'group:default/team-checkout',
          system: 'system:default/shop',
          description: 'Another checkout',
          costCenter: 'cc-100',
          gitServer: git.url,
        },
        {
          'POST /provisions': received => {
            const answer = provisionRoutes['POST /provisions'](received);
            (answer.body as { problems: object[] }).problems = [
              {
                field: 'component',
                message:
                  "A service named 'checkout-api' already exists in the catalog",
              },
            ];
            return answer;
          },
        },
      );
      expect(response.status).toBe(500);
      expect(response.body.error.message).toBe(
        "Could not create the environments of checkout-api: A service named 'checkout-api' already exists in the catalog",
      );
      expect(fs.readdirSync(repositories.path)).toEqual([]);
    });
  });

  it('"Create a new service" renders a skeleton with the declared values and conventional names', async () => {
    const git = await startGitServer({
      repositoriesDir: createMockDirectory().path,
    });
    const { response } = await dryRun(
      'create-service',
      {
        project: 'shop',
        component: 'cart-api',
        owner: 'group:default/team-checkout',
        system: 'system:default/shop',
        description: 'Keeps the shopping cart: "add", "remove"',
        costCenter: 'cc-100',
        gitServer: git.url,
      },
      {
        'POST /provisions': () => ({
          body: {
            entityRef: 'component:default/cart-api',
            status: 'planned',
            image: 'x:1',
            template: {},
            problems: [],
            environments: [],
          },
        }),
      },
    ).finally(() => git.stop());
    expect(response.status).toBe(200);

    const entity = parseYaml(fileOf(response, 'catalog-info.yaml'));
    expect(entity).toMatchObject({
      kind: 'Component',
      metadata: {
        name: 'cart-api',
        description: 'Keeps the shopping cart: "add", "remove"',
        annotations: {
          'environments.io/project': 'shop',
          'environments.io/component': 'cart-api',
        },
      },
      spec: {
        type: 'service',
        owner: 'group:default/team-checkout',
        system: 'system:default/shop',
      },
    });

    const declared = {
      dev: {
        memory_size: '512',
        timeout: '120',
        reserved_concurrent_executions: '5',
        aws_account_id: '111111111111',
      },
      staging: {
        memory_size: '1024',
        timeout: '300',
        reserved_concurrent_executions: '10',
        aws_account_id: '222222222222',
      },
      prod: {
        memory_size: '1024',
        timeout: '300',
        reserved_concurrent_executions: '50',
        aws_account_id: '333333333333',
      },
    };
    const convention = parseNamingConvention('{project}-{component}-{env}');
    const longNames: Record<string, string> = {
      dev: 'development',
      staging: 'staging',
      prod: 'production',
    };
    for (const [env, values] of Object.entries(declared)) {
      const tfvars = parseTfvars(
        fileOf(response, `envs/${env}/terraform.tfvars`),
      );
      expect(tfvars.values).toMatchObject({
        ...values,
        environment: env,
        function_name: `shop-cart-api-${env}`,
      });

      // The product's own compliance rules accept what the template produces.
      const environment = {
        name: env,
        shortName: env,
        longName: longNames[env],
      };
      expect(
        checkName(tfvars.values.function_name, convention, {
          project: 'shop',
          component: 'cart-api',
          environment,
        }),
      ).toEqual({ ok: true, expected: `shop-cart-api-${env}` });
      expect(
        checkTags(
          tfvars.tags,
          {
            required: [
              'Project',
              'Component',
              'Environment',
              'ManagedBy',
              'Owner',
              'CostCenter',
            ],
            requiredByEnvironment: {},
            allowedValues: { ManagedBy: ['cloudformation', 'terraform'] },
            catalogTags: DEFAULT_CATALOG_TAG_KEYS,
          },
          {
            environment,
            project: 'shop',
            component: 'cart-api',
            owner: 'group:default/team-checkout',
          },
        ),
      ).toEqual([]);
      expect(tfvars.tags).toEqual({
        Project: 'shop',
        Component: 'cart-api',
        Environment: env,
        ManagedBy: 'terraform',
        Owner: 'team-checkout',
        CostCenter: 'cc-100',
      });
    }

    // One line per environment: no hand-padded table that the names' lengths would misalign.
    const readme = fileOf(response, 'README.md');
    expect(readme).toContain(
      '- **prod**: function `shop-cart-api-prod`, values in',
    );
    expect(readme).not.toMatch(/^\|/m);
  });

  it('"Create a new service" refuses a component name that cannot be part of a function name', async () => {
    const { response } = await dryRun('create-service', {
      project: 'shop',
      component: 'Cart_API',
      owner: 'group:default/team-checkout',
      system: 'system:default/shop',
      costCenter: 'cc-100',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(
      expect.objectContaining({
        property: 'instance.component',
        name: 'pattern',
        instance: 'Cart_API',
      }),
    );
  });
});
