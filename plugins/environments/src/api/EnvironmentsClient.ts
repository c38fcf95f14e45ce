import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ComplianceSummary,
  DigestHistoryEntry,
  EnvironmentDefinition,
  EnvironmentMatrix,
  FunctionVersionSummary,
  PromotionRequest,
  RollbackRecord,
  PromotionGate,
  SettingsMatrix,
} from '@internal/backstage-plugin-environments-common';
import {
  EnvironmentWindowState,
  EnvironmentsApi,
  FleetPage,
  FleetQuery,
  PromotionInput,
  PromotionQuery,
  RollbackInput,
  RollbackQuery,
  ServiceFindings,
} from './EnvironmentsApi';

/** Talks to the environments backend over HTTP, with the signed-in user's credentials. */
export class EnvironmentsClient implements EnvironmentsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEnvironments(): Promise<EnvironmentDefinition[]> {
    const body = await this.request<{ environments: EnvironmentDefinition[] }>(
      '/environments',
    );
    return body.environments;
  }

  async getMatrix(entity: CompoundEntityRef): Promise<EnvironmentMatrix> {
    return this.request(`${servicePath(entity)}/matrix`);
  }

  async getHistory(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<DigestHistoryEntry[]> {
    const body = await this.request<{ items: DigestHistoryEntry[] }>(
      `${servicePath(entity)}/environments/${encodeURIComponent(
        environment,
      )}/history`,
    );
    return body.items;
  }

  async refresh(entity: CompoundEntityRef): Promise<EnvironmentMatrix> {
    return this.request(`${servicePath(entity)}/refresh`, { method: 'POST' });
  }

  async getFleet(query: FleetQuery = {}): Promise<FleetPage> {
    return this.request(withQuery('/fleet', { ...query }));
  }

  async getFindings(entity: CompoundEntityRef): Promise<ServiceFindings> {
    return this.request(`${servicePath(entity)}/findings`);
  }

  async checkDrift(entity: CompoundEntityRef): Promise<ServiceFindings> {
    return this.request(`${servicePath(entity)}/drift-check`, {
      method: 'POST',
    });
  }

  // --- The configuration matrix (issue 15) ---
  async getSettingsMatrix(entity: CompoundEntityRef): Promise<SettingsMatrix> {
    return this.request(`${servicePath(entity)}/settings`);
  }

  async getPromotionGate(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<PromotionGate> {
    return this.request(
      `${servicePath(entity)}/settings/gate/${encodeURIComponent(environment)}`,
    );
  }
  // --- end of the configuration matrix ---

  async getComplianceSummaries(): Promise<ComplianceSummary[]> {
    const body = await this.request<{ items: ComplianceSummary[] }>(
      '/compliance',
    );
    return body.items;
  }

  async requestPromotion(input: PromotionInput): Promise<PromotionRequest> {
    return this.request('/promotions', jsonBody('POST', input));
  }

  async getPromotion(id: string): Promise<PromotionRequest> {
    return this.request(`/promotions/${encodeURIComponent(id)}`);
  }

  async listPromotions(
    query: PromotionQuery = {},
  ): Promise<PromotionRequest[]> {
    const body = await this.request<{ items: PromotionRequest[] }>(
      withQuery('/promotions', {
        entityRef: query.entityRef,
        status: query.status?.join(','),
        awaitingMyApproval: query.awaitingMyApproval ? 'true' : undefined,
        limit: query.limit,
      }),
    );
    return body.items;
  }

  async getPromotionWindows(): Promise<EnvironmentWindowState[]> {
    const body = await this.request<{ items: EnvironmentWindowState[] }>(
      '/promotion-windows',
    );
    return body.items;
  }

  async approvePromotion(
    id: string,
    comment?: string,
  ): Promise<PromotionRequest> {
    return this.request(
      `/promotions/${encodeURIComponent(id)}/approve`,
      jsonBody('POST', { comment }),
    );
  }

  async rejectPromotion(
    id: string,
    comment?: string,
  ): Promise<PromotionRequest> {
    return this.request(
      `/promotions/${encodeURIComponent(id)}/reject`,
      jsonBody('POST', { comment }),
    );
  }

  async cancelPromotion(id: string): Promise<PromotionRequest> {
    return this.request(
      `/promotions/${encodeURIComponent(id)}/cancel`,
      jsonBody('POST', {}),
    );
  }

  async listVersions(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<FunctionVersionSummary[]> {
    const body = await this.request<{ items: FunctionVersionSummary[] }>(
      `${servicePath(entity)}/environments/${encodeURIComponent(
        environment,
      )}/versions`,
    );
    return body.items;
  }

  async requestRollback(input: RollbackInput): Promise<RollbackRecord> {
    return this.request('/rollbacks', jsonBody('POST', input));
  }

  async getRollback(id: string): Promise<RollbackRecord> {
    return this.request(`/rollbacks/${encodeURIComponent(id)}`);
  }

  async listRollbacks(query: RollbackQuery = {}): Promise<RollbackRecord[]> {
    const body = await this.request<{ items: RollbackRecord[] }>(
      withQuery('/rollbacks', { ...query }),
    );
    return body.items;
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environments');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      // Keeps the backend's error body (name and message) for ErrorPanel.
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

// The backend rejects unknown fields, so undefined ones are left out (JSON.stringify drops them).
function jsonBody(method: string, body: object): RequestInit {
  return {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

// Filters that are not set (undefined or empty) are left out of the query string.
function withQuery(
  path: string,
  query: Record<string, string | number | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

// Same shape as Backstage's entity page routes: kind and namespace lower-cased, name as written.
function servicePath(entity: CompoundEntityRef): string {
  const parts = [
    entity.namespace.toLocaleLowerCase('en-US'),
    entity.kind.toLocaleLowerCase('en-US'),
    entity.name,
  ];
  return `/services/${parts.map(encodeURIComponent).join('/')}`;
}
