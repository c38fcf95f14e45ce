import { ChildProcess, fork } from 'child_process';

const NODE_TRANSFORM = require.resolve(
  '@backstage/cli-node/config/nodeTransform.cjs',
);

/**
 * Runs a backend instance (the module `modulePath`, given `job` as its argument) in a process of its
 * own until it sends a message `isReady` accepts, then kills it with SIGKILL (kill -9): whatever it was
 * doing stays as a real crash leaves it. Answers that message.
 */
export async function killWhenReady<M>(
  modulePath: string,
  job: unknown,
  isReady: (message: unknown) => boolean,
): Promise<M> {
  const child: ChildProcess = fork(modulePath, [JSON.stringify(job)], {
    execArgv: ['--require', NODE_TRANSFORM],
    // Jest's process.env (with the emulator's STS endpoint) is not the one child_process passes on.
    env: { ...process.env },
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr!.on('data', chunk => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  const message = await Promise.race([
    new Promise<M>(resolve =>
      // The TypeScript loader sends messages of its own ({ type: 'watch' }).
      child.on('message', m => {
        if (isReady(m)) {
          resolve(m as M);
        }
      }),
    ),
    exited.then(code => {
      throw new Error(
        `The instance exited (${code}) before it was ready: ${stderr}`,
      );
    }),
  ]);
  child.kill('SIGKILL');
  await exited;
  if (child.signalCode !== 'SIGKILL') {
    throw new Error(`The instance was not killed: ${child.signalCode}`);
  }
  return message;
}
