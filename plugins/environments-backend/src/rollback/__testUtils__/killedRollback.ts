/**
 * A backend instance that is killed mid-rollback, run in a process of its own by
 * rollbackInterruptedOnEmulator.test.ts: alice rolls checkout-api's prod back on the emulator; right
 * before (`when: 'before'`) or right after (`when: 'after'`) the deployer's alias switch reaches AWS, it
 * tells the parent and freezes, so that nothing after that point is recorded, until the parent kills it
 * with SIGKILL.
 */
import knexFactory, { Knex } from 'knex';
import {
  demoActor,
  deployersAround,
  promotionsOnEmulator,
} from '../../promotion/__testUtils__/emulatorEngine';

/** What the parent asks of the instance. */
export interface KilledRollbackJob {
  endpoint: string;
  /** The database both processes use (a SQLite file or a PostgreSQL connection). */
  database: Knex.Config;
  targetVersion: string;
  when: 'before' | 'after';
}

/** What the instance tells the parent at the switch. */
export interface KilledRollbackMessage {
  rollbackId: string;
  /** `before` UpdateAlias was sent, or `after` it went through. */
  at: 'before' | 'after';
}

function freeze(): never {
  // Blocks this process's only thread: no timer, lease renewal or write runs before SIGKILL.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable');
}

async function main(job: KilledRollbackJob) {
  const knex = knexFactory(job.database);
  const promotions = promotionsOnEmulator({
    endpoint: job.endpoint,
    knex,
    instanceId: 'killed',
    deployers: deployersAround(
      job.endpoint,
      'switchAlias',
      async (call, args) => {
        if (job.when === 'after') {
          await call();
        }
        const row = await knex('rollbacks')
          .where({ target_function_name: args[0] as string, status: 'running' })
          .first();
        const message: KilledRollbackMessage = {
          rollbackId: row.id,
          at: job.when,
        };
        process.send!(message, () => freeze());
        return new Promise(() => {});
      },
    ),
  });
  await promotions.rollbacks.rollback(
    {
      entityRef: 'component:default/checkout-api',
      environment: 'prod',
      targetVersion: job.targetVersion,
      comment: 'errors after the release',
    },
    demoActor('alice'),
  );
}

main(JSON.parse(process.argv[2])).catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
