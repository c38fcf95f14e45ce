import { startGitServer } from './server';

const USAGE = `Usage: yarn workspace @internal/demo-git-server start --port <port> --dir <repositories dir>

Serves the bare repositories of <dir> over HTTP on 127.0.0.1:<port> until stopped.`;

async function main() {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const port = Number(value('--port'));
  const repositoriesDir = value('--dir');
  if (!Number.isInteger(port) || port <= 0 || !repositoriesDir) {
    throw new Error(USAGE);
  }
  const server = await startGitServer({
    port,
    repositoriesDir,
    logger: message => console.log(message),
  });
  console.log(
    `Git server at ${server.url}, repositories in ${repositoriesDir}`,
  );
  const stop = () => server.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  console.error(error.message);
  process.exit(1);
});
