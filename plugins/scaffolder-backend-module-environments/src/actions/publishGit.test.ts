import fs from 'fs';
import path from 'path';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { GitServer, startGitServer } from '@internal/demo-git-server';
import { createPublishGitAction } from './publishGit';

describe('publish:git against the demo Git server', () => {
  const repositories = createMockDirectory();
  const workspace = createMockDirectory();
  let server: GitServer;
  const action = createPublishGitAction();

  beforeAll(async () => {
    server = await startGitServer({ repositoriesDir: repositories.path });
  });
  afterAll(() => server.stop());

  function context(input: Record<string, unknown>, isDryRun = false) {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
      logger,
    });
    ctx.isDryRun = isDryRun;
    return { ctx, logged: () => logger.info.mock.calls.map(c => String(c[0])) };
  }

  beforeEach(() => {
    workspace.setContent({
      'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: cart-api\n',
      'envs/dev/terraform.tfvars': 'function_name = "shop-cart-api-dev"\n',
    });
  });

  it('pushes the workspace into a new repository whose files the catalog can read raw', async () => {
    const remoteUrl = `${server.url}/shop-cart-api.git`;
    const { ctx } = context({ remoteUrl });
    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('remoteUrl', remoteUrl);
    expect(ctx.output).toHaveBeenCalledWith(
      'repoContentsUrl',
      `${server.url}/shop-cart-api/raw/main/`,
    );
    const commitHash = (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'commitHash',
    )?.[1];
    expect(commitHash).toMatch(/^[0-9a-f]{40}$/);
    const raw = await fetch(
      `${server.url}/shop-cart-api/raw/main/envs/dev/terraform.tfvars`,
    );
    expect(await raw.text()).toBe('function_name = "shop-cart-api-dev"\n');
  });

  it('refuses a repository that exists, in a dry run too', async () => {
    const remoteUrl = `${server.url}/shop-cart-api.git`;
    for (const dryRun of [false, true]) {
      await expect(
        action.handler(context({ remoteUrl }, dryRun).ctx),
      ).rejects.toThrow(
        `publish:git: the repository ${remoteUrl} already exists; choose another name`,
      );
    }
  });

  it('in a dry run says what it would push and creates no repository', async () => {
    const remoteUrl = `${server.url}/shop-orders-api.git`;
    const { ctx, logged } = context({ remoteUrl }, true);
    await action.handler(ctx);
    expect(logged()).toContain(
      `Dry run: would push 2 files to ${remoteUrl} (branch main); nothing was pushed`,
    );
    expect(ctx.output).toHaveBeenCalledWith('commitHash', 'dry-run');
    expect(
      fs.existsSync(path.join(repositories.path, 'shop-orders-api.git')),
    ).toBe(false);
  });

  it('names the input when the URL is not a repository URL', async () => {
    await expect(
      action.handler(context({ remoteUrl: `${server.url}/Shop Orders` }).ctx),
    ).rejects.toThrow(
      `publish:git: input.remoteUrl '${server.url}/Shop Orders' is not a Git HTTP URL of the form http(s)://host/<name>.git`,
    );
  });
});
