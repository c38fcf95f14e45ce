import fs from 'fs';
import os from 'os';
import path from 'path';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Emulator, seedDemoFleet } from '@internal/demo-fleet';
import knexFactory, { Knex } from 'knex';
import {
  ACCOUNTS,
  awsClientsIn,
  describeWithMoto,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import { killWhenReady } from '../__testUtils__/killProcess';
import { MIGRATIONS_DIR, READER } from '../promotion/__testUtils__/harness';
import { promotionsOnEmulator } from '../promotion/__testUtils__/emulatorEngine';
import type {
  KilledRollbackJob,
  KilledRollbackMessage,
} from './__testUtils__/killedRollback';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** What prod's live alias serves, asked of AWS with the read role. */
async function prodLive(endpoint: string) {
  const { lambda } = await awsClientsIn(endpoint, ACCOUNTS.prod);
  const alias = await lambda.send(
    new GetAliasCommand({
      FunctionName: 'shop-checkout-api-prod',
      Name: 'live',
    }),
  );
  return alias.FunctionVersion;
}

describeWithMoto('a backend instance killed (kill -9) mid-rollback', () => {
  jest.setTimeout(240_000);
  let emulator: Emulator;
  let dir: string;

  beforeAll(async () => {
    emulator = await startAwsEmulator();
    await seedDemoFleet({ endpoint: emulator.endpoint });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'environments-kill-'));
  });

  afterAll(async () => {
    await emulator?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    let knex: Knex;
    let database: Knex.Config;

    beforeAll(async () => {
      if (databaseId.startsWith('POSTGRES')) {
        knex = await databases.init(databaseId);
        database = knex.client.config;
      } else {
        // Shared with the killed process: a file, not memory.
        database = {
          client: 'better-sqlite3',
          connection: { filename: path.join(dir, `${databaseId}.sqlite`) },
          useNullAsDefault: true,
        };
        knex = knexFactory(database);
      }
      await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    });

    afterAll(async () => {
      if (!databaseId.startsWith('POSTGRES')) {
        await knex?.destroy();
      }
    });

    /** Rolls prod back to `targetVersion` on an instance killed at the switch, as `when` says. */
    function rollBackAndKill(
      targetVersion: string,
      when: KilledRollbackJob['when'],
    ): Promise<KilledRollbackMessage> {
      const job: KilledRollbackJob = {
        endpoint: emulator.endpoint,
        database,
        targetVersion,
        when,
      };
      return killWhenReady<KilledRollbackMessage>(
        require.resolve('./__testUtils__/killedRollback'),
        job,
        m => !!(m as KilledRollbackMessage).rollbackId,
      );
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
      expect((await second.rollbacks.get(id, READER)).status).toBe('running');
      await second.sweep();
      await second.runner.whenIdle();
      const settled = await second.rollbacks.get(id, READER);
      second.stop();
      return settled;
    }

    it('records the switch as done, and the rollback as succeeded, when the kill came right after UpdateAlias went through', async () => {
      const from = await prodLive(emulator.endpoint);
      const to = from === '1' ? '2' : '1';
      const { rollbackId } = await rollBackAndKill(to, 'after');
      expect(await prodLive(emulator.endpoint)).toBe(to);

      const settled = await recoverOnSecondInstance(rollbackId);
      expect(settled.status).toBe('succeeded');
      expect(settled.steps.map(s => [s.name, s.status, s.detail])).toEqual([
        [
          'switch-alias',
          'succeeded',
          `live → version ${to} (found after the interruption)`,
        ],
        ['verify', 'succeeded', expect.stringContaining(`version ${to}`)],
      ]);
      expect(settled.statusReason).toBe(
        `Resumed after an interruption during step 'switch-alias', which went through ` +
          `(AWS shows live → version ${to}): live serves version ${to} again (was ${from})`,
      );
      expect(await prodLive(emulator.endpoint)).toBe(to);
    });

    it('resumes the rollback on another instance when the kill came before UpdateAlias was sent', async () => {
      const from = await prodLive(emulator.endpoint);
      const to = from === '1' ? '2' : '1';
      const { rollbackId } = await rollBackAndKill(to, 'before');
      // Nothing reached AWS.
      expect(await prodLive(emulator.endpoint)).toBe(from);

      const settled = await recoverOnSecondInstance(rollbackId);
      expect(await prodLive(emulator.endpoint)).toBe(to);
      expect(settled.status).toBe('succeeded');
      expect(settled.steps.map(s => [s.name, s.status])).toEqual([
        ['switch-alias', 'failed'],
        ['switch-alias', 'succeeded'],
        ['verify', 'succeeded'],
      ]);
      expect(settled.steps[0].error).toBe(
        `Interrupted before its result was recorded; AWS shows live → version ${from}`,
      );
      expect(settled.statusReason).toBe(
        `Resumed after an interruption during step 'switch-alias', which did not go through ` +
          `(AWS shows live → version ${from}): live serves version ${to} again (was ${from})`,
      );
      expect(settled.history.filter(e => e.event === 'succeeded')).toHaveLength(
        1,
      );
    });
  });
});
