import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { GitServer, startGitServer } from './server';

const run = promisify(execFile);
const git = (cwd: string, ...args: string[]) =>
  run(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args],
    { cwd },
  );

describe('the demo Git server', () => {
  let server: GitServer;
  let work: string;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-git-'));
    server = await startGitServer({
      repositoriesDir: path.join(work, 'repositories'),
    });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('creates a repository on its first push, clones it back and serves its raw files', async () => {
    const source = path.join(work, 'source');
    fs.mkdirSync(source);
    fs.writeFileSync(
      path.join(source, 'catalog-info.yaml'),
      'kind: Component\n',
    );
    await git(source, 'init', '-b', 'main');
    await git(source, 'add', '.');
    await git(source, 'commit', '-m', 'first');
    await git(source, 'push', `${server.url}/shop-cart-api.git`, 'main');

    const clone = path.join(work, 'clone');
    await git(work, 'clone', `${server.url}/shop-cart-api.git`, clone);
    expect(fs.readFileSync(path.join(clone, 'catalog-info.yaml'), 'utf8')).toBe(
      'kind: Component\n',
    );

    const raw = await fetch(
      `${server.url}/shop-cart-api/raw/main/catalog-info.yaml`,
    );
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe('kind: Component\n');

    const listing = await (await fetch(`${server.url}/`)).json();
    expect(listing.repositories).toEqual([
      { name: 'shop-cart-api', cloneUrl: `${server.url}/shop-cart-api.git` },
    ]);
  });

  it('answers 404 for an unknown repository, branch or file, without creating anything', async () => {
    await expect(
      git(
        work,
        'clone',
        `${server.url}/nothing-here.git`,
        path.join(work, 'x'),
      ),
    ).rejects.toThrow(/not found|404/);
    expect(
      fs.existsSync(path.join(server.repositoriesDir, 'nothing-here.git')),
    ).toBe(false);

    for (const url of [
      `/nothing-here/raw/main/catalog-info.yaml`,
      `/shop-cart-api/raw/other/catalog-info.yaml`,
      `/shop-cart-api/raw/main/missing.yaml`,
      `/shop-cart-api/raw/main/../config`,
      `/Nested/path.git/info/refs?service=git-receive-pack`,
    ]) {
      expect([url, (await fetch(`${server.url}${url}`)).status]).toEqual([
        url,
        404,
      ]);
    }
  });
});
