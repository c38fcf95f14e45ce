export { environmentCollectorServiceRef } from './environmentCollectorServiceRef';
export { RefreshService } from './RefreshService';
export type { ServiceSource } from './RefreshService';
export { createRouter } from './router';
export { ServiceCatalog, toServiceDescriptor } from './ServiceCatalog';
