import fs from 'fs';
import path from 'path';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  getRepoSourceDirectory,
  initRepoAndPush,
} from '@backstage/plugin-scaffolder-node';
import { ActionSchema } from './schema';

const ACTION_ID = 'publish:git';

/** `http(s)://host[:port][/prefix]/<name>.git` */
const REMOTE_URL =
  /^(https?:\/\/[^/?#]+(?:\/[^?#]*)?)\/([a-z0-9][a-z0-9._-]*)\.git$/;

/** Where a repository is cloned from and where its files are read raw (the demo Git server's layout). */
export function gitRepositoryUrls(remoteUrl: string, branch: string) {
  const match = REMOTE_URL.exec(remoteUrl);
  if (!match) {
    throw new InputError(
      `${ACTION_ID}: input.remoteUrl '${remoteUrl}' is not a Git HTTP URL of the form http(s)://host/<name>.git ` +
        '(name in lower case)',
    );
  }
  const [, base, name] = match;
  return { name, repoContentsUrl: `${base}/${name}/raw/${branch}/` };
}

/** Whether the server already has the repository: a clone's first request answers 200 when it does. */
async function repositoryExists(remoteUrl: string, signal?: AbortSignal) {
  const response = await fetch(
    `${remoteUrl}/info/refs?service=git-upload-pack`,
    { signal },
  ).catch(error => {
    throw new Error(
      `${ACTION_ID}: cannot reach the Git server at ${remoteUrl} (${
        error.cause?.message ?? error.message
      })`,
    );
  });
  return response.ok;
}

function countFiles(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(entry => entry.name !== '.git')
    .reduce(
      (count, entry) =>
        count +
        (entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1),
      0,
    );
}

const EXAMPLES = [
  {
    description: "Publish to the demo's Git server",
    example: [
      'steps:',
      '  - id: publish',
      '    action: publish:git',
      '    input:',
      '      remoteUrl: http://127.0.0.1:7010/${{ parameters.name }}.git',
    ].join('\n'),
  },
];

const INPUT = {
  remoteUrl: z =>
    z.string().describe('The new repository, http(s)://host/<name>.git'),
  defaultBranch: z =>
    z.string().optional().describe("The branch to push; default 'main'"),
  gitCommitMessage: z =>
    z.string().optional().describe("Default 'Initial commit'"),
  gitAuthorName: z => z.string().optional(),
  gitAuthorEmail: z => z.string().optional(),
  sourcePath: z =>
    z
      .string()
      .optional()
      .describe('The workspace folder to publish; default the whole workspace'),
} satisfies ActionSchema;

const OUTPUT = {
  remoteUrl: z => z.string().describe('The clone URL'),
  repoContentsUrl: z =>
    z
      .string()
      .describe(
        'Raw files of the branch; catalog:register reads <repoContentsUrl>catalog-info.yaml as its catalogInfoUrl',
      ),
  commitHash: z =>
    z.string().describe("The pushed commit ('dry-run' in a dry run)"),
} satisfies ActionSchema;

/**
 * `publish:git` pushes the workspace as the first commit of a new repository on a plain Git HTTP server,
 * one that creates a repository on its first push and needs no API (the demo's Git server,
 * packages/demo-git-server). Backstage's own publish actions each need their host's API (GitHub, GitLab,
 * Gitea…). It refuses a repository that already exists; a dry run checks that and pushes nothing.
 */
export function createPublishGitAction() {
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Pushes the workspace as the first commit of a new repository on a plain Git HTTP server that creates repositories on push.',
    supportsDryRun: true,
    examples: EXAMPLES,
    schema: { input: INPUT, output: OUTPUT },
    async handler(ctx) {
      const { remoteUrl } = ctx.input;
      const defaultBranch = ctx.input.defaultBranch || 'main';
      const { repoContentsUrl } = gitRepositoryUrls(remoteUrl, defaultBranch);
      const dir = getRepoSourceDirectory(
        ctx.workspacePath,
        ctx.input.sourcePath,
      );
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', repoContentsUrl);

      const commitHash = await ctx.checkpoint({
        key: `${ACTION_ID} ${remoteUrl}`,
        fn: async () => {
          if (await repositoryExists(remoteUrl, ctx.signal)) {
            throw new InputError(
              `${ACTION_ID}: the repository ${remoteUrl} already exists; choose another name`,
            );
          }
          if (ctx.isDryRun) {
            ctx.logger.info(
              `Dry run: would push ${countFiles(
                dir,
              )} files to ${remoteUrl} (branch ${defaultBranch}); nothing was pushed`,
            );
            return 'dry-run';
          }
          const result = await initRepoAndPush({
            dir,
            remoteUrl,
            // The demo server asks for no credentials; isomorphic-git only offers these when asked.
            auth: { username: 'scaffolder', password: '' },
            logger: ctx.logger,
            defaultBranch,
            commitMessage: ctx.input.gitCommitMessage || 'Initial commit',
            gitAuthorInfo: {
              name: ctx.input.gitAuthorName || 'Scaffolder',
              email: ctx.input.gitAuthorEmail || 'scaffolder@backstage.io',
            },
          });
          ctx.logger.info(
            `Pushed ${result.commitHash} to ${remoteUrl} (branch ${defaultBranch})`,
          );
          return result.commitHash;
        },
      });
      ctx.output('commitHash', commitHash);
    },
  });
}
