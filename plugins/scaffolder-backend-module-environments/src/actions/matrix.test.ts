import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { EnvironmentMatrix } from '@internal/backstage-plugin-environments-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createMatrixAction } from './matrix';

const freshness = { stale: false, refreshedAt: '2026-11-23T09:00:00Z' };
const matrix: EnvironmentMatrix = {
  entityRef: 'component:default/checkout-api',
  environments: [
    {
      environment: 'dev',
      status: 'ok',
      functions: [],
      digest: 'sha256:aaa',
      liveVersion: '4',
      freshness,
    },
    {
      environment: 'staging',
      status: 'ok',
      functions: [],
      digest: 'sha256:bbb',
      liveVersion: '3',
      freshness,
      comparison: {
        previousEnvironment: 'dev',
        sameDigestAsPrevious: false,
        promotionPending: true,
        unpromotedArtifact: false,
      },
    },
    {
      environment: 'prod',
      status: 'ok',
      functions: [],
      digest: 'sha256:ccc',
      liveVersion: '2',
      freshness: { stale: true, error: 'AccessDenied' },
      comparison: {
        previousEnvironment: 'staging',
        sameDigestAsPrevious: false,
        promotionPending: false,
        unpromotedArtifact: true,
      },
    },
  ],
};

/** A stand-in for the environments backend: answers the matrix route and records what it was asked. */
async function startBackend() {
  const requests: Array<{ url?: string; authorization?: string }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url, authorization: req.headers.authorization });
    if (
      req.url ===
      '/api/environments/services/default/component/checkout-api/matrix'
    ) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(matrix));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message: 'No service component:default/unknown',
        },
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    baseUrl: `http://127.0.0.1:${port}/api/environments`,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

describe('environments:matrix', () => {
  let backend: Awaited<ReturnType<typeof startBackend>>;
  beforeEach(async () => {
    backend = await startBackend();
  });
  afterEach(() => backend.close());

  const action = () =>
    createMatrixAction({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => backend.baseUrl,
        getExternalBaseUrl: async () => backend.baseUrl,
      },
    });

  it('outputs the digest of every environment and which ones wait for a promotion', async () => {
    const ctx = createMockActionContext({
      input: { entityRef: 'checkout-api' },
    });
    await action().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('pendingPromotions', ['staging']);
    expect(ctx.output).toHaveBeenCalledWith('environments', [
      expect.objectContaining({
        environment: 'dev',
        digest: 'sha256:aaa',
        liveVersion: '4',
        promotionPending: false,
      }),
      expect.objectContaining({
        environment: 'staging',
        digest: 'sha256:bbb',
        promotionPending: true,
      }),
      expect.objectContaining({
        environment: 'prod',
        unpromotedArtifact: true,
        stale: true,
      }),
    ]);
  });

  it('calls the backend on behalf of the user who runs the template', async () => {
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/checkout-api' },
    });
    ctx.getInitiatorCredentials = async () =>
      mockCredentials.user('user:default/alice');
    await action().handler(ctx);

    expect(backend.requests).toHaveLength(1);
    const token = backend.requests[0].authorization?.replace(/^Bearer /, '');
    // The mock auth service encodes the subject and target of on-behalf-of tokens.
    expect(token).toContain('user:default/alice');
    expect(token).toContain('environments');
  });

  it("fails with the backend's message when the service is unknown", async () => {
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/unknown' },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      'No service component:default/unknown',
    );
  });

  it('rejects an input that is not an entity reference', async () => {
    const ctx = createMockActionContext({ input: { entityRef: 'component:' } });
    await expect(action().handler(ctx)).rejects.toThrow(
      "input.entityRef 'component:' is not an entity reference",
    );
  });
});
