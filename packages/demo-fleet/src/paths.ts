import path from 'path';

/**
 * The repository's root. This private package always runs from its sources in the repository
 * (tsx, jest), never from a bundle, so its own directory locates the repository.
 */
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = path.resolve(__dirname, '../../..');
