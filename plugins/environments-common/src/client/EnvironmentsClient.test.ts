import { ResponseError } from '@backstage/errors';
import { EnvironmentsClient } from './EnvironmentsClient';

const BASE = 'http://localhost:7007/api/environments';

function jsonResponse(status: number, body: unknown) {
  const text = JSON.stringify(body);
  return {
    ok: status < 400,
    status,
    statusText: status < 400 ? 'OK' : 'Not Found',
    type: 'basic',
    url: BASE,
    headers: new Headers({ 'content-type': 'application/json' }),
    json: async () => JSON.parse(text),
    text: async () => text,
  } as unknown as Response;
}

function client(responder: (url: string, init?: RequestInit) => Response) {
  const fetch = jest.fn(async (url: string, init?: RequestInit) =>
    responder(url, init),
  );
  return {
    fetch,
    client: new EnvironmentsClient({
      discoveryApi: { getBaseUrl: async () => BASE },
      fetchApi: { fetch: fetch as any },
    }),
  };
}

const checkout = {
  kind: 'Component',
  namespace: 'default',
  name: 'checkout-api',
};

describe('EnvironmentsClient (over the generated client)', () => {
  it('reads the matrix of a service at its entity path', async () => {
    const matrix = {
      entityRef: 'component:default/checkout-api',
      environments: [],
    };
    const { client: api, fetch } = client(() => jsonResponse(200, matrix));
    await expect(api.getMatrix(checkout)).resolves.toEqual(matrix);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/services/default/component/checkout-api/matrix`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it('refreshes a service with a POST', async () => {
    const { client: api, fetch } = client(() =>
      jsonResponse(200, { entityRef: 'x', environments: [] }),
    );
    await api.refresh(checkout);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/services/default/component/checkout-api/refresh`,
      expect.objectContaining({ method: 'POST' }),
    );
  });

  it('unwraps environments and history', async () => {
    const { client: api, fetch } = client(url =>
      url.endsWith('/environments')
        ? jsonResponse(200, { environments: [{ name: 'dev' }] })
        : jsonResponse(200, { items: [{ digest: 'sha256:1' }] }),
    );
    await expect(api.getEnvironments()).resolves.toEqual([{ name: 'dev' }]);
    await expect(api.getHistory(checkout, 'prod')).resolves.toEqual([
      { digest: 'sha256:1' },
    ]);
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/services/default/component/checkout-api/environments/prod/history`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it('reads the findings, runs the drift check with a POST, and unwraps the compliance summaries', async () => {
    const findings = { items: [], summary: { total: 0 }, stacks: [] };
    const { client: api, fetch } = client(url =>
      url.endsWith('/compliance')
        ? jsonResponse(200, { items: [{ entityRef: 'x', total: 2 }] })
        : jsonResponse(200, findings),
    );

    await expect(api.getFindings(checkout)).resolves.toEqual(findings);
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/services/default/component/checkout-api/findings`,
      expect.objectContaining({ method: 'GET' }),
    );
    await api.checkDrift(checkout);
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/services/default/component/checkout-api/drift-check`,
      expect.objectContaining({ method: 'POST' }),
    );
    await expect(api.getComplianceSummaries()).resolves.toEqual([
      { entityRef: 'x', total: 2 },
    ]);
  });

  it('sends only the fleet filters that are set', async () => {
    const page = { items: [], totalItems: 0, offset: 1000, limit: 1000 };
    const { client: api, fetch } = client(() => jsonResponse(200, page));
    await expect(
      api.getFleet({
        owner: 'group:default/team-checkout',
        search: '',
        offset: 1000,
        limit: 1000,
      }),
    ).resolves.toEqual(page);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/fleet?owner=group%3Adefault%2Fteam-checkout&offset=1000&limit=1000`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it("turns a failed request into a ResponseError carrying the backend's message", async () => {
    const { client: api } = client(() =>
      jsonResponse(404, {
        error: {
          name: 'NotFoundError',
          message:
            'component:default/checkout-api has no environments.io/project annotation',
        },
        request: { method: 'GET', url: '/x' },
        response: { statusCode: 404 },
      }),
    );
    const error = await api.getMatrix(checkout).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
    expect(error.cause.message).toBe(
      'component:default/checkout-api has no environments.io/project annotation',
    );
  });
});

describe('EnvironmentsClient promotions and rollbacks', () => {
  it('posts a promotion request as JSON and reads it back by id', async () => {
    const promotion = { id: 'p1', status: 'requested' };
    const { client: api, fetch } = client(() => jsonResponse(201, promotion));
    await expect(
      api.requestPromotion({
        entityRef: 'component:default/checkout-api',
        targetEnvironment: 'prod',
        comment: 'ship it',
      }),
    ).resolves.toEqual(promotion);
    expect(fetch).toHaveBeenLastCalledWith(`${BASE}/promotions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        entityRef: 'component:default/checkout-api',
        targetEnvironment: 'prod',
        comment: 'ship it',
      }),
    });
    await api.getPromotion('p 1');
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/promotions/p%201`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it('lists the requests awaiting my approval and unwraps them', async () => {
    const { client: api, fetch } = client(() =>
      jsonResponse(200, { items: [{ id: 'p1' }] }),
    );
    await expect(
      api.listPromotions({ awaitingMyApproval: true }),
    ).resolves.toEqual([{ id: 'p1' }]);
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/promotions?awaitingMyApproval=true`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it('approves, rejects and cancels with a POST carrying the comment', async () => {
    const { client: api, fetch } = client(() => jsonResponse(200, {}));
    await api.approvePromotion('p1', 'looks good');
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/promotions/p1/approve`,
      expect.objectContaining({
        method: 'POST',
        body: '{"comment":"looks good"}',
      }),
    );
    await api.rejectPromotion('p1');
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/promotions/p1/reject`,
      expect.objectContaining({ method: 'POST', body: '{}' }),
    );
    await api.cancelPromotion('p1');
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/promotions/p1/cancel`,
      expect.objectContaining({ method: 'POST', body: '{}' }),
    );
  });

  it('reads the versions of an environment and posts a rollback to a chosen version', async () => {
    const { client: api, fetch } = client(url =>
      url.endsWith('/versions')
        ? jsonResponse(200, { items: [{ version: '2', isLive: false }] })
        : jsonResponse(201, { id: 'r1', status: 'succeeded' }),
    );
    await expect(api.listVersions(checkout, 'prod')).resolves.toEqual([
      { version: '2', isLive: false },
    ]);
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/services/default/component/checkout-api/environments/prod/versions`,
      expect.objectContaining({ method: 'GET' }),
    );
    await api.requestRollback({
      entityRef: 'component:default/checkout-api',
      environment: 'prod',
      targetVersion: '2',
    });
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/rollbacks`,
      expect.objectContaining({
        method: 'POST',
        body: JSON.stringify({
          entityRef: 'component:default/checkout-api',
          environment: 'prod',
          targetVersion: '2',
        }),
      }),
    );
    await api.getRollback('r1');
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/rollbacks/r1`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it("reads a service's latest promotions and its rollbacks for its history", async () => {
    const { client: api, fetch } = client(() =>
      jsonResponse(200, { items: [{ id: 'x1' }] }),
    );
    await expect(
      api.listPromotions({
        entityRef: 'component:default/checkout-api',
        limit: 20,
      }),
    ).resolves.toEqual([{ id: 'x1' }]);
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/promotions?entityRef=component%3Adefault%2Fcheckout-api&limit=20`,
      expect.objectContaining({ method: 'GET' }),
    );
    await expect(
      api.listRollbacks({
        entityRef: 'component:default/checkout-api',
        limit: 20,
      }),
    ).resolves.toEqual([{ id: 'x1' }]);
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/rollbacks?entityRef=component%3Adefault%2Fcheckout-api&limit=20`,
      expect.objectContaining({ method: 'GET' }),
    );
  });
});
