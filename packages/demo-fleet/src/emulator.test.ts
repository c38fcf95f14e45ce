import fs from 'fs';
import os from 'os';
import path from 'path';
import { findMotoServer, startEmulator } from './emulator';

describe('findMotoServer', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-fleet-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('tells the user to run scripts/setup.sh when moto is not installed', () => {
    expect(() => findMotoServer({ repoRoot: root, env: {} })).toThrow(
      `The AWS emulator is not installed: no moto_server at ${root}/.venv/bin/moto_server. ` +
        'Run scripts/setup.sh to install it into .venv (or set MOTO_SERVER_BIN to a moto_server).',
    );
    expect(() =>
      findMotoServer({
        repoRoot: root,
        env: { MOTO_SERVER_BIN: '/nowhere/moto_server' },
      }),
    ).toThrow(/or \/nowhere\/moto_server\. Run scripts\/setup\.sh/);
  });

  it('prefers the repository’s virtualenv and falls back to MOTO_SERVER_BIN', () => {
    const elsewhere = path.join(root, 'moto_server');
    fs.writeFileSync(elsewhere, '');
    expect(
      findMotoServer({ repoRoot: root, env: { MOTO_SERVER_BIN: elsewhere } }),
    ).toBe(elsewhere);

    const venv = path.join(root, '.venv', 'bin', 'moto_server');
    fs.mkdirSync(path.dirname(venv), { recursive: true });
    fs.writeFileSync(venv, '');
    expect(
      findMotoServer({ repoRoot: root, env: { MOTO_SERVER_BIN: elsewhere } }),
    ).toBe(venv);
  });
});

describe('startEmulator', () => {
  it('starts an emulator that answers AWS calls, and stops it', async () => {
    const emulator = await startEmulator();
    try {
      expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${emulator.endpoint}/moto-api/`);
      expect(response.status).toBe(200);
    } finally {
      await emulator.stop();
    }
    await expect(fetch(`${emulator.endpoint}/moto-api/`)).rejects.toThrow();
  }, 60_000);
});
