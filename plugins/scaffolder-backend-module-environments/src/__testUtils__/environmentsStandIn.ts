import http from 'node:http';
import { AddressInfo } from 'node:net';

/** A request the stand-in received, with the caller read from the mock auth service's token. */
export interface ReceivedRequest {
  method: string;
  path: string;
  body?: any;
  /** `obo` of the token: the user the call was made for. */
  onBehalfOf?: string;
  /** `sub` of the token: the service that called with its own credentials. */
  service?: string;
  /** `target` of the token: the plugin it was issued for. */
  target?: string;
}

/** What a route answers: a JSON body, 200 unless `status` says otherwise. */
export type StandInResponse = { status?: number; body: unknown };

/** Routes by `METHOD /path` below /api/environments, e.g. `POST /promotions`. */
export type StandInRoutes = Record<
  string,
  (request: ReceivedRequest) => StandInResponse
>;

/** Builds the Backstage error JSON the real backend sends for a failure. */
export function backendError(
  status: number,
  name: string,
  message: string,
): StandInResponse {
  return {
    status,
    body: {
      error: { name, message },
      request: {},
      response: { statusCode: status },
    },
  };
}

/**
 * Starts a local HTTP stand-in for the Environments backend plugin at `<baseUrl>` (= …/api/environments).
 * It records every request; unknown routes answer 404 as the backend would.
 */
export async function startEnvironmentsStandIn(routes: StandInRoutes) {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const token = (req.headers.authorization ?? '').replace(
        /^Bearer mock-service-token:/,
        '',
      );
      let claims: { sub?: string; obo?: string; target?: string } = {};
      try {
        claims = JSON.parse(token);
      } catch {
        // Not a mock service token: the caller stays unknown, which the tests notice.
      }
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '').replace(/^\/api\/environments/, ''),
        body: raw ? JSON.parse(raw) : undefined,
        onBehalfOf: claims.obo,
        service: claims.sub,
        target: claims.target,
      };
      requests.push(request);
      const route = routes[`${request.method} ${request.path.split('?')[0]}`];
      const answer = route
        ? route(request)
        : backendError(
            404,
            'NotFoundError',
            `No route ${request.method} ${request.path}`,
          );
      res.writeHead(answer.status ?? 200, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    baseUrl: `http://127.0.0.1:${port}/api/environments`,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
