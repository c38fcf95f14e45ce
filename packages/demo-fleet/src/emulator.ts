import { spawn } from 'child_process';
import fs from 'fs';
import { createServer } from 'net';
import path from 'path';
import { REPO_ROOT } from './paths';

/** A running AWS emulator (moto). */
export interface Emulator {
  /** `http://127.0.0.1:<port>`: the endpoint of every AWS service, STS included. */
  endpoint: string;
  /** Stops the emulator; its state is gone. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

/**
 * Finds moto_server: the repository's virtualenv first, then `MOTO_SERVER_BIN`. Throws an error
 * telling how to install it when neither exists.
 */
export function findMotoServer(
  options: { repoRoot?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const env = options.env ?? process.env;
  const venvBinary = path.join(repoRoot, '.venv', 'bin', 'moto_server');
  const candidates = [venvBinary, env.MOTO_SERVER_BIN].filter(
    (c): c is string => Boolean(c),
  );
  const found = candidates.find(candidate => fs.existsSync(candidate));
  if (!found) {
    throw new Error(
      `The AWS emulator is not installed: no moto_server at ${candidates.join(
        ' or ',
      )}. ` +
        'Run scripts/setup.sh to install it into .venv (or set MOTO_SERVER_BIN to a moto_server).',
    );
  }
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

/**
 * Starts moto_server on 127.0.0.1 (a free port unless one is given) with Lambda resolving images
 * through its ECR as AWS does, and waits until it answers.
 */
export async function startEmulator(
  options: { port?: number } = {},
): Promise<Emulator> {
  const binary = findMotoServer();
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MOTO_LAMBDA_STUB_ECR: 'false',
  };
  // A fixed account would put every account's resources into one; accounts come from STS.
  delete env.MOTO_ACCOUNT_ID;
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The end of its output explains a failed start.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>(resolve => {
    child.once('exit', code => {
      exitCode = code;
      resolve();
    });
    child.once('error', error => {
      keep(Buffer.from(String(error)));
      exitCode = -1;
      resolve();
    });
  });

  const stop = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `The AWS emulator (${binary}) exited with ${exitCode} on start:\n${output}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) {
        return { endpoint, stop };
      }
    } catch {
      // Not listening yet.
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(
    `The AWS emulator (${binary}) did not answer at ${endpoint} within ${
      STARTUP_TIMEOUT_MS / 1000
    } s:\n${output}`,
  );
}
