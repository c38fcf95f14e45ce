/**
 * The demo's Git server (docs/scaffolder.md#the-demo-git-server).
 *
 * @packageDocumentation
 */
export { startGitServer } from './server';
export type { GitServer, GitServerOptions } from './server';
