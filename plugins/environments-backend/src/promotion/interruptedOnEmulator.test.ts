import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  GetFunctionCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { Emulator, seedDemoFleet } from '@internal/demo-fleet';
import knexFactory, { Knex } from 'knex';
import {
  ACCOUNTS,
  awsClientsIn,
  describeWithMoto,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import { killWhenReady } from '../__testUtils__/killProcess';
import { MIGRATIONS_DIR, READER } from './__testUtils__/harness';
import { promotionsOnEmulator } from './__testUtils__/emulatorEngine';
import type {
  KilledInstanceJob,
  KilledInstanceMessage,
} from './__testUtils__/killedInstance';

const PROD = ACCOUNTS.prod;
const STAGING = ACCOUNTS.staging;

/**
 * Runs a backend instance in a process of its own until its `crashAfter` call went through at AWS, then
 * kills it with SIGKILL (kill -9): the step of that call stays `started`, as after a real crash.
 */
function killAfter(job: KilledInstanceJob): Promise<KilledInstanceMessage> {
  return killWhenReady<KilledInstanceMessage>(
    require.resolve('./__testUtils__/killedInstance'),
    job,
    m => !!(m as KilledInstanceMessage).wentThrough,
  );
}

describeWithMoto('a backend instance killed (kill -9) mid-promotion', () => {
  jest.setTimeout(240_000);
  let emulator: Emulator;
  let dir: string;
  let knex: Knex;

  beforeAll(async () => {
    emulator = await startAwsEmulator();
    await seedDemoFleet({ endpoint: emulator.endpoint });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'environments-kill-'));
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'environments.sqlite') },
      useNullAsDefault: true,
    });
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
  });

  afterAll(async () => {
    await knex?.destroy();
    await emulator?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What AWS says about checkout-api's prod function, asked with the read role. */
  async function prodInAws() {
    const { lambda } = await awsClientsIn(emulator.endpoint, PROD);
    const FunctionName = 'shop-checkout-api-prod';
    const live = await lambda.send(
      new GetFunctionCommand({ FunctionName, Qualifier: 'live' }),
    );
    const { Versions } = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName }),
    );
    return {
      live: {
        version: live.Configuration!.Version!,
        digest: `sha256:${live.Configuration!.CodeSha256}`,
      },
      versions: (Versions ?? [])
        .filter(v => v.Version !== '$LATEST')
        .map(v => ({
          version: v.Version!,
          digest: `sha256:${v.CodeSha256}`,
        })),
    };
  }

  async function stagingDigest() {
    const { lambda } = await awsClientsIn(emulator.endpoint, STAGING);
    const live = await lambda.send(
      new GetFunctionCommand({
        FunctionName: 'shop-checkout-api-staging',
        Qualifier: 'live',
      }),
    );
    return `sha256:${live.Configuration!.CodeSha256}`;
  }

  /** A second instance on the same database, once the killed one's lease expired, runs its sweep. */
  async function recoverOnSecondInstance(id: string) {
    const later = new Date(Date.now() + 5 * 60_000);
    const second = promotionsOnEmulator({
      endpoint: emulator.endpoint,
      knex,
      instanceId: 'second',
      clock: () => later,
    });
    expect((await second.store.getPromotion(id))?.status).toBe('running');
    await second.sweep();
    const settled = await second.promotions.get(id, READER);
    second.stop();
    return settled;
  }

  // First: after this one, prod still serves what it served before.
  it('says the version was published when the kill came right after PublishVersion went through', async () => {
    const before = await prodInAws();
    const { promotionId } = await killAfter({
      endpoint: emulator.endpoint,
      databaseFile: path.join(dir, 'environments.sqlite'),
      crashAfter: 'publishVersion',
    });

    const settled = await recoverOnSecondInstance(promotionId);
    const after = await prodInAws();
    const published = after.versions.find(
      v => !before.versions.some(b => b.version === v.version),
    );
    // What AWS shows: a new version with the promoted digest, and live untouched.
    expect(published?.digest).toBe(await stagingDigest());
    expect(after.live).toEqual(before.live);

    expect(settled.status).toBe('failed');
    expect(settled.publishedVersion).toBe(published!.version);
    expect(
      settled.steps.find(step => step.name === 'publish-version'),
    ).toMatchObject({
      status: 'succeeded',
      detail: `version ${
        published!.version
      } was published with the promoted digest (found after the interruption)`,
    });
    expect(settled.statusReason).toContain(
      `Interrupted during step 'publish-version', which went through (AWS shows version ${
        published!.version
      } was published with the promoted digest)`,
    );
    expect(settled.statusReason).toContain(
      `Live still serves version ${before.live.version}`,
    );
    expect(settled.statusReason).toContain(
      `Version ${
        published!.version
      } was published with the promoted digest and serves no traffic.`,
    );
    expect(settled.statusReason).not.toMatch(/unpublished/);
  });

  it('records the alias switch as done, and the promotion as succeeded, when the kill came right after UpdateAlias went through', async () => {
    const promoted = await stagingDigest();
    const { promotionId } = await killAfter({
      endpoint: emulator.endpoint,
      databaseFile: path.join(dir, 'environments.sqlite'),
      crashAfter: 'switchAlias',
    });
    // The alias switch happened at AWS before the kill.
    const after = await prodInAws();
    expect(after.live.digest).toBe(promoted);

    const settled = await recoverOnSecondInstance(promotionId);
    expect(
      settled.steps.find(step => step.name === 'switch-alias'),
    ).toMatchObject({
      status: 'succeeded',
      detail: `live → version ${after.live.version} (found after the interruption)`,
    });
    expect(settled.status).toBe('succeeded');
    expect(settled.statusReason).toBe(
      `Resumed after an interruption during step 'switch-alias', which went through (AWS shows live → version ${after.live.version}): live already serves the promoted digest (version ${after.live.version})`,
    );
    expect(settled.publishedVersion).toBe(after.live.version);
    expect(
      settled.history.map(event => event.detail).filter(Boolean),
    ).toContainEqual(
      `switch-alias succeeded (found after the interruption): live → version ${after.live.version}`,
    );
    expect((await prodInAws()).live).toEqual(after.live);
  });
});
