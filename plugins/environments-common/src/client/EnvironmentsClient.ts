import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ComplianceSummary,
  DefaultApiClient,
  DigestHistoryEntry,
  EnvironmentDefinition,
  EnvironmentMatrix,
  EnvironmentWindowState,
  FleetPage,
  FunctionVersionSummary,
  ListFleet,
  ListPromotions,
  ListRollbacks,
  NewPromotionRequest,
  NewRollback,
  PromotionGate,
  PromotionRequest,
  RollbackRecord,
  ServiceFindings,
  SettingsMatrix,
  ServiceProvision,
  ServiceProvisionRequest,
  TypedResponse,
} from '../schema/openapi';

/** Filters and paging of a fleet query (`GET /fleet`); every field is optional. */
export type FleetQuery = ListFleet['query'];
/** Filters of `GET /promotions`; every field is optional. */
export type PromotionQuery = ListPromotions['query'];
/** Filters of `GET /rollbacks`; every field is optional. */
export type RollbackQuery = ListRollbacks['query'];
/** What `POST /promotions` takes. */
export type PromotionInput = NewPromotionRequest;
/** What `POST /rollbacks` takes; without targetVersion the backend picks the previous version. */
export type RollbackInput = NewRollback;

/** How a call is made: the token of a backend caller (a frontend's fetchApi adds the user's itself). */
export interface EnvironmentsRequestOptions {
  token?: string;
}

/**
 * The Environments backend's API, as the frontend's ApiRef and the scaffolder actions use it: each method
 * one operation of the OpenAPI spec, over the client generated from it.
 */
export interface EnvironmentsApi {
  /** The configured environments, in promotion order. */
  getEnvironments(
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentDefinition[]>;
  /** What a service runs in every environment. */
  getMatrix(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentMatrix>;
  /** The digests that ran in one environment of a service. */
  getHistory(
    entity: CompoundEntityRef,
    environment: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<DigestHistoryEntry[]>;
  /** Collects a service from AWS now and returns its new matrix. */
  refresh(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentMatrix>;
  /** One page of every service × environment. */
  getFleet(
    query?: FleetQuery,
    options?: EnvironmentsRequestOptions,
  ): Promise<FleetPage>;
  /** A service's drift and compliance findings. */
  getFindings(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ): Promise<ServiceFindings>;
  /** Runs CloudFormation drift detection on the service's stacks now and returns its new findings. */
  checkDrift(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ): Promise<ServiceFindings>;
  /** The compliance summary of every evaluated service of the fleet. */
  getComplianceSummaries(
    options?: EnvironmentsRequestOptions,
  ): Promise<ComplianceSummary[]>;
  /** Requests the promotion of the digest running in the environment before `targetEnvironment`. */
  requestPromotion(
    input: PromotionInput,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionRequest>;
  /** One promotion request with its approvals, steps and policy summary. */
  getPromotion(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionRequest>;
  /** Promotion requests, newest first. */
  listPromotions(
    query?: PromotionQuery,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionRequest[]>;
  /** Whether promotions into each environment are closed now, why and until when. */
  getPromotionWindows(
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentWindowState[]>;
  /** Approves someone else's request as the caller. */
  approvePromotion(
    id: string,
    comment?: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionRequest>;
  /** Rejects someone else's request as the caller. */
  rejectPromotion(
    id: string,
    comment?: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionRequest>;
  /** Cancels a request that has not started. */
  cancelPromotion(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionRequest>;
  /** The published versions of a service's function in one environment, for the rollback picker. */
  listVersions(
    entity: CompoundEntityRef,
    environment: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<FunctionVersionSummary[]>;
  /** Points an environment's live alias back at an earlier version (or plans it with dryRun). */
  requestRollback(
    input: RollbackInput,
    options?: EnvironmentsRequestOptions,
  ): Promise<RollbackRecord>;
  /** One rollback with its steps. */
  getRollback(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<RollbackRecord>;
  /** Rollbacks, newest first. */
  listRollbacks(
    query?: RollbackQuery,
    options?: EnvironmentsRequestOptions,
  ): Promise<RollbackRecord[]>;
  /** Creates a new service's environments (or, with dryRun, plans them and says what is wrong). */
  provisionService(
    input: ServiceProvisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<ServiceProvision>;
  /** A service's variables, parameters, secrets and flags × environments, with their findings. */
  getSettingsMatrix(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ): Promise<SettingsMatrix>;
  /** What a promotion of the service into `environment` meets there, and whether it is refused. */
  getPromotionGate(
    entity: CompoundEntityRef,
    environment: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionGate>;
}

/**
 * The path parameters of a service as the backend's routes take them: kind and namespace lower-cased,
 * as the catalog compares refs, the name as written.
 */
export function servicePathParams(entity: CompoundEntityRef) {
  return {
    namespace: entity.namespace.toLocaleLowerCase('en-US'),
    kind: entity.kind.toLocaleLowerCase('en-US'),
    name: entity.name,
  };
}

/**
 * {@link EnvironmentsApi} over the client generated from the backend's OpenAPI spec: each answer's body,
 * or a ResponseError carrying the backend's error (name, message, status).
 */
export class EnvironmentsClient implements EnvironmentsApi {
  private readonly api: DefaultApiClient;

  constructor(options: ConstructorParameters<typeof DefaultApiClient>[0]) {
    this.api = new DefaultApiClient(options);
  }

  async getEnvironments(options?: EnvironmentsRequestOptions) {
    return (await body(this.api.listEnvironments({}, options))).environments;
  }

  async getMatrix(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ) {
    return body(
      this.api.getMatrix({ path: servicePathParams(entity) }, options),
    );
  }

  async getHistory(
    entity: CompoundEntityRef,
    environment: string,
    options?: EnvironmentsRequestOptions,
  ) {
    const path = { ...servicePathParams(entity), environment };
    return (await body(this.api.getDigestHistory({ path }, options))).items;
  }

  async refresh(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ) {
    const path = servicePathParams(entity);
    return body(this.api.refreshService({ path }, options));
  }

  async getFleet(query: FleetQuery = {}, options?: EnvironmentsRequestOptions) {
    return body(this.api.listFleet({ query: withoutEmpty(query) }, options));
  }

  async getFindings(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ) {
    const path = servicePathParams(entity);
    return body(this.api.getServiceFindings({ path }, options));
  }

  async checkDrift(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ) {
    const path = servicePathParams(entity);
    return body(this.api.checkServiceDrift({ path }, options));
  }

  async getComplianceSummaries(options?: EnvironmentsRequestOptions) {
    const list = await body(
      this.api.listComplianceSummaries({ query: {} }, options),
    );
    return list.items;
  }

  async requestPromotion(
    input: PromotionInput,
    options?: EnvironmentsRequestOptions,
  ) {
    return body(this.api.requestPromotion({ body: input }, options));
  }

  async getPromotion(id: string, options?: EnvironmentsRequestOptions) {
    return body(this.api.getPromotion({ path: { id } }, options));
  }

  async listPromotions(
    query: PromotionQuery = {},
    options?: EnvironmentsRequestOptions,
  ) {
    const request = { query: withoutEmpty(query) };
    return (await body(this.api.listPromotions(request, options))).items;
  }

  async getPromotionWindows(options?: EnvironmentsRequestOptions) {
    return (await body(this.api.listPromotionWindows({}, options))).items;
  }

  async approvePromotion(
    id: string,
    comment?: string,
    options?: EnvironmentsRequestOptions,
  ) {
    const request = { path: { id }, body: { comment } };
    return body(this.api.approvePromotion(request, options));
  }

  async rejectPromotion(
    id: string,
    comment?: string,
    options?: EnvironmentsRequestOptions,
  ) {
    const request = { path: { id }, body: { comment } };
    return body(this.api.rejectPromotion(request, options));
  }

  async cancelPromotion(id: string, options?: EnvironmentsRequestOptions) {
    const request = { path: { id }, body: {} };
    return body(this.api.cancelPromotion(request, options));
  }

  async listVersions(
    entity: CompoundEntityRef,
    environment: string,
    options?: EnvironmentsRequestOptions,
  ) {
    const path = { ...servicePathParams(entity), environment };
    return (await body(this.api.listFunctionVersions({ path }, options))).items;
  }

  async requestRollback(
    input: RollbackInput,
    options?: EnvironmentsRequestOptions,
  ) {
    return body(this.api.requestRollback({ body: input }, options));
  }

  async getRollback(id: string, options?: EnvironmentsRequestOptions) {
    return body(this.api.getRollback({ path: { id } }, options));
  }

  async listRollbacks(
    query: RollbackQuery = {},
    options?: EnvironmentsRequestOptions,
  ) {
    const request = { query: withoutEmpty(query) };
    return (await body(this.api.listRollbacks(request, options))).items;
  }

  async provisionService(
    input: ServiceProvisionRequest,
    options?: EnvironmentsRequestOptions,
  ) {
    return body(this.api.provisionService({ body: input }, options));
  }

  async getSettingsMatrix(
    entity: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ) {
    const path = servicePathParams(entity);
    return body(this.api.getServiceSettings({ path }, options));
  }

  async getPromotionGate(
    entity: CompoundEntityRef,
    environment: string,
    options?: EnvironmentsRequestOptions,
  ) {
    const path = { ...servicePathParams(entity), environment };
    return body(this.api.getPromotionGate({ path }, options));
  }
}

/** The answer's JSON body, or a ResponseError keeping the backend's error (for ErrorPanel, task logs). */
async function body<T>(answer: Promise<TypedResponse<T>>): Promise<T> {
  const response = await answer;
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  // Parsed from text rather than response.json(): Node's fetch builds objects in its own realm, and the
  // scaffolder's template engine refuses arrays whose prototype is not this realm's.
  return JSON.parse(await response.text()) as T;
}

// Filters that are not set (undefined or empty) stay out of the query string.
function withoutEmpty<T extends object>(query: T): T {
  return Object.fromEntries(
    Object.entries(query).filter(
      ([, value]) =>
        value !== undefined &&
        value !== '' &&
        !(Array.isArray(value) && value.length === 0),
    ),
  ) as T;
}
