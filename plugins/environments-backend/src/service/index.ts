export { ComplianceService } from './ComplianceService';
export type {
  ComplianceFactsSource,
  DeclaredOverridesSource,
  ServiceFindings,
  StackDriftRunner,
} from './ComplianceService';
export {
  awsClientFactoryServiceRef,
  environmentCollectorServiceRef,
  stackDriftDetectorsServiceRef,
} from './environmentCollectorServiceRef';
export { RefreshService } from './RefreshService';
export type { RefreshListener, ServiceSource } from './RefreshService';
export { createRouter } from './router';
export { createRequestEdge, REQUEST_BODY_LIMIT } from './requestEdge';
export {
  SOURCE_LOCATION_ANNOTATION,
  ServiceCatalog,
  toComplianceFacts,
  toServiceDescriptor,
} from './ServiceCatalog';
export type { ComplianceFacts } from './ServiceCatalog';
export { onlyVisible, ServiceVisibility } from './ServiceVisibility';
export type { VisibleServices } from './ServiceVisibility';
