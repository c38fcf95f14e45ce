import { Entity } from '@backstage/catalog-model';
import fs from 'fs';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** The demo's app-config (aws and environments), its accounts pointed at a test's emulator. */
export function demoConfig(endpoint: string) {
  const appConfig = parse(
    fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
  );
  const environments = structuredClone(appConfig.environments);
  for (const account of environments.accounts) {
    account.endpoint = endpoint;
  }
  return { aws: appConfig.aws, environments };
}

/** The demo's catalog (examples/entities.yaml). */
export function demoEntities(): Entity[] {
  return parseAllDocuments(
    fs.readFileSync(path.join(REPO_ROOT, 'examples/entities.yaml'), 'utf8'),
  )
    .map(document => document.toJS() as Entity)
    .filter(entity => entity?.kind)
    .map(entity => ({
      ...entity,
      metadata: { namespace: 'default', ...entity.metadata },
    }));
}
