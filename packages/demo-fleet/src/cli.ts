import { loadDemoFleet } from './fleet';
import { seedDemoFleet } from './seed';

const USAGE = `Usage: yarn workspace @internal/demo-fleet seed [--endpoint <url>] [--fleet <file>]

Creates the demo fleet in the AWS emulator (or any AWS endpoint). Safe to run again: it only adds
what is missing.
  --endpoint  AWS endpoint (default: $ENVIRONMENTS_AWS_ENDPOINT)
  --fleet     fleet definition (default: examples/fleet/demo-fleet.yaml)`;

function parseArguments(args: string[]) {
  const options: { endpoint?: string; fleet?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = inline ?? args[++i];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if ((flag !== '--endpoint' && flag !== '--fleet') || !value) {
      throw new Error(`Unexpected argument ${args[i] ?? flag}\n\n${USAGE}`);
    }
    options[flag.slice(2) as 'endpoint' | 'fleet'] = value;
  }
  return options;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const endpoint = options.endpoint ?? process.env.ENVIRONMENTS_AWS_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      `No endpoint: pass --endpoint or set ENVIRONMENTS_AWS_ENDPOINT.\n\n${USAGE}`,
    );
  }
  const fleet = loadDemoFleet(options.fleet);
  console.log(`Seeding ${fleet.title} (${fleet.project}) at ${endpoint}`);
  const summary = await seedDemoFleet({
    endpoint,
    fleet,
    logger: line => console.log(`  ${line}`),
  });
  for (const account of summary.accounts) {
    console.log(
      `${account.environments.join(', ')} (account ${account.accountId}): ` +
        `${account.functions.length} functions, ${account.images} images in ${account.repositories} repositories`,
    );
    for (const fn of account.functions) {
      console.log(
        `  ${fn.functionName}: live → version ${fn.liveVersion} of ${
          fn.versions
        } (${fn.liveRelease}, ${fn.digest.slice(0, 19)}…)`,
      );
    }
  }
  console.log(
    summary.changes === 0
      ? `The fleet was already in place: nothing changed (${summary.durationMs} ms).`
      : `Done: ${summary.changes} changes in ${(
          summary.durationMs / 1000
        ).toFixed(1)} s.`,
  );
}

main().catch(error => {
  console.error(
    `demo-fleet seed: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
