/**
 * A backend instance that is killed mid-promotion, run in a process of its own by
 * interruptedOnEmulator.test.ts: alice requests checkout-api staging → prod on the emulator and bob
 * approves; right after the deployer's `crashAfter` call went through at AWS, it tells the parent and
 * freezes, so that nothing after that call is recorded, until the parent kills it with SIGKILL.
 */
import knexFactory from 'knex';
import {
  demoActor,
  deployersAround,
  promotionsOnEmulator,
} from './emulatorEngine';

/** What the parent asks of the instance. */
export interface KilledInstanceJob {
  endpoint: string;
  /** The SQLite file both processes use. */
  databaseFile: string;
  crashAfter: 'publishVersion' | 'switchAlias';
}

/** What the instance tells the parent once the call went through. */
export interface KilledInstanceMessage {
  promotionId: string;
  wentThrough: string;
}

function freeze(): never {
  // Blocks this process's only thread: no timer, lease renewal or write runs before SIGKILL.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable');
}

async function main(job: KilledInstanceJob) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: job.databaseFile },
    useNullAsDefault: true,
  });
  let promotionId = '';
  const promotions = promotionsOnEmulator({
    endpoint: job.endpoint,
    knex,
    instanceId: 'killed',
    deployers: deployersAround(job.endpoint, job.crashAfter, async call => {
      await call();
      const message: KilledInstanceMessage = {
        promotionId,
        wentThrough: job.crashAfter,
      };
      process.send!(message, () => freeze());
      return new Promise(() => {});
    }),
  });
  const requested = await promotions.promotions.request(
    { entityRef: 'component:default/checkout-api', targetEnvironment: 'prod' },
    demoActor('alice'),
  );
  promotionId = requested.id;
  await promotions.promotions.approve(requested.id, {}, demoActor('bob'));
}

main(JSON.parse(process.argv[2])).catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
