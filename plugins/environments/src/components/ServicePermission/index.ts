export { ExplainedButton } from './ExplainedButton';
export { useServicePermission } from './useServicePermission';
export type { ServicePermission } from './useServicePermission';
