import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import { createServer } from 'net';
import path from 'path';

/** A moto server of this test run. */
export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

/** The moto_server of `MOTO_SERVER_BIN` (set by scripts/test.sh) or of the repository's `.venv`. */
export function motoServerBinary(): string | undefined {
  const candidates = [
    process.env.MOTO_SERVER_BIN,
    path.resolve(__dirname, '../../../../../.venv/bin/moto_server'),
  ];
  return candidates.find(candidate => candidate && fs.existsSync(candidate));
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

/** Starts a moto server of its own on a free loopback port, resolving ECR images as AWS does. */
export async function startMoto(binary: string): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    ['-H', '127.0.0.1', '-p', String(port)],
    {
      env: { ...process.env, MOTO_LAMBDA_STUB_ECR: 'false' },
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) {
        return { endpoint, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`moto did not answer at ${endpoint} within 30 s (${binary})`);
}
