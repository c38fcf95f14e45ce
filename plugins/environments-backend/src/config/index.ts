export {
  DEFAULT_REFRESH,
  readEnvironmentsConfig,
} from './readEnvironmentsConfig';
export type { EnvironmentsConfig } from './readEnvironmentsConfig';
export { readNamingConventions } from './readNamingConventions';
