export {
  DEFAULT_REFRESH,
  readEnvironmentsConfig,
} from './readEnvironmentsConfig';
export type { EnvironmentsConfig } from './readEnvironmentsConfig';
export { assertKnownEnvironmentsKeys } from './knownKeys';

export { loadPluginConfig, readPluginConfig } from './readPluginConfig';
export type { PluginConfig } from './readPluginConfig';
