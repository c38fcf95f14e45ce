//

export * from '../models/DigestHistory.model';
export * from '../models/DigestHistoryEntry.model';
export * from '../models/DigestKind.model';
export * from '../models/EnvironmentComparison.model';
export * from '../models/EnvironmentDefinition.model';
export * from '../models/EnvironmentList.model';
export * from '../models/EnvironmentMatrix.model';
export * from '../models/EnvironmentState.model';
export * from '../models/EnvironmentStatus.model';
export * from '../models/ErrorError.model';
export * from '../models/ErrorRequest.model';
export * from '../models/ErrorResponse.model';
export * from '../models/FleetEnvironmentSummary.model';
export * from '../models/FleetPage.model';
export * from '../models/FleetServiceSummary.model';
export * from '../models/FleetStatus.model';
export * from '../models/Freshness.model';
export * from '../models/FunctionConfiguration.model';
export * from '../models/FunctionResource.model';
export * from '../models/LiveAlias.model';
export * from '../models/Location.model';
export * from '../models/ModelError.model';
export * from '../models/Stack.model';
