import { execFile } from 'child_process';
import fs from 'fs';
import http from 'http';
import path from 'path';
import { promisify } from 'util';
import { Git } from 'node-git-server';

const run = promisify(execFile);

/** A running demo Git server. */
export interface GitServer {
  /** `http://127.0.0.1:<port>`: clone `<url>/<name>.git`, raw files at `<url>/<name>/raw/<branch>/<path>`. */
  url: string;
  /** Where the bare repositories live (`<name>.git`). */
  repositoriesDir: string;
  stop(): Promise<void>;
}

/** Options of {@link startGitServer}. */
export interface GitServerOptions {
  repositoriesDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Receives one line per push. */
  logger?: (message: string) => void;
}

// One path segment: no nesting, no `..`, nothing git would read as an option.
const NAME = '[a-z0-9][a-z0-9._-]*';
const GIT_PATH = new RegExp(
  `^/(${NAME})\\.git/(info/refs|git-upload-pack|git-receive-pack|HEAD)$`,
);
const RAW_PATH = new RegExp(`^/(${NAME})/raw/([A-Za-z0-9._-]+)/(.+)$`);

function send(res: http.ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

/** A file of a branch, as `git show <branch>:<path>` gives it; 404 when either is missing. */
async function serveRawFile(
  repositoriesDir: string,
  [name, branch, file]: string[],
  res: http.ServerResponse,
) {
  const gitDir = path.join(repositoriesDir, `${name}.git`);
  const filePath = decodeURIComponent(file);
  if (!fs.existsSync(gitDir) || filePath.split('/').includes('..')) {
    send(res, 404, `No repository ${name}`);
    return;
  }
  try {
    const { stdout } = await run(
      'git',
      ['--git-dir', gitDir, 'show', `refs/heads/${branch}:${filePath}`],
      { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
    );
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(stdout);
  } catch {
    send(res, 404, `No file ${filePath} on branch ${branch} of ${name}`);
  }
}

async function setDefaultBranchIfEmpty(gitDir: string, branch: string) {
  const { stdout } = await run('git', [
    '--git-dir',
    gitDir,
    'for-each-ref',
    '--count=1',
    'refs/heads',
  ]);
  if (stdout.trim() === '') {
    await run('git', [
      '--git-dir',
      gitDir,
      'symbolic-ref',
      'HEAD',
      `refs/heads/${branch}`,
    ]);
  }
}

async function listRepositories(repositoriesDir: string, url: string) {
  const names = (await fs.promises.readdir(repositoriesDir))
    .filter(entry => entry.endsWith('.git'))
    .map(entry => entry.slice(0, -'.git'.length))
    .sort();
  return names.map(name => ({ name, cloneUrl: `${url}/${name}.git` }));
}

/**
 * Starts the demo's Git server: git's own smart-HTTP services through node-git-server (a repository is
 * created by its first push; cloning an unknown one is a 404), raw files of a branch for Backstage's
 * URL reader, and `GET /` listing the repositories as JSON. No authentication: it listens on loopback
 * for the demo and the tests only.
 */
export async function startGitServer(
  options: GitServerOptions,
): Promise<GitServer> {
  const { repositoriesDir, host = '127.0.0.1', logger } = options;
  await fs.promises.mkdir(repositoriesDir, { recursive: true });
  const repos = new Git(repositoriesDir, { autoCreate: true });
  repos.on('push', async push => {
    logger?.(`push to ${push.repo} (${push.branch} → ${push.commit})`);
    // The first branch pushed becomes the default one (HEAD), as Git hosts do.
    await setDefaultBranchIfEmpty(
      path.join(repositoriesDir, push.repo),
      push.branch,
    );
    push.accept();
  });
  let url = '';
  const server = http.createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://x');
    const raw = req.method === 'GET' && RAW_PATH.exec(pathname);
    if (raw) {
      serveRawFile(repositoriesDir, raw.slice(1), res);
      return;
    }
    if (req.method === 'GET' && pathname === '/') {
      listRepositories(repositoriesDir, url).then(list => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ repositories: list }));
      });
      return;
    }
    const git = GIT_PATH.exec(pathname);
    if (!git) {
      send(
        res,
        404,
        'Not a repository path: use /<name>.git (lower-case name)',
      );
      return;
    }
    // Only a push creates a repository; fetching an unknown one is an error, as on any Git host.
    const exists = fs.existsSync(path.join(repositoriesDir, `${git[1]}.git`));
    const pushing =
      searchParams.get('service') === 'git-receive-pack' ||
      git[2] === 'git-receive-pack';
    if (!exists && !pushing) {
      send(res, 404, `No repository ${git[1]}`);
      return;
    }
    repos.handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  url = `http://${host}:${port}`;
  return {
    url,
    repositoriesDir,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
