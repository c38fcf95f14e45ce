/**
 * The naming and tag rules of the Environments plugins, for the backend plugin and its backend modules.
 *
 * @packageDocumentation
 */
export * from './checkName';
export * from './naming';
export * from './namePattern';
export * from './namingAnnotations';
export * from './tags';
