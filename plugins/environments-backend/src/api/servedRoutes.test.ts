import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { FakeCollector, testFeatures } from '../__testUtils__/testBackend';
import { environmentsPlugin } from '../plugin';
import { spec } from '../schema/openapi';

// Express keeps what a router serves in its stack: a route layer per path, a nested router per `use`.
interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD /path` the routers serve, in the spec's `{param}` spelling, walking nested routers. */
function servedRoutes(routers: unknown[]): string[] {
  const routes = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) {
          routes.add(`${method.toUpperCase()} ${path}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(routers.flatMap(router => (router as Layer['handle'])?.stack ?? []));
  return [...routes].sort();
}

/** Every operation of src/schema/openapi.yaml as `METHOD /path`. */
function specOperations(): string[] {
  return Object.entries(spec.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations).map(method => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('the routes the plugin serves', () => {
  it('are exactly the operations of the OpenAPI spec, so the spec and the generated client miss none', async () => {
    const httpRouter = mockServices.httpRouter.mock();
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        httpRouter.factory,
        ...testFeatures({ entities: [], collector: new FakeCollector() }),
      ],
    });
    try {
      const routers = httpRouter.use.mock.calls.map(([router]) => router);
      const served = servedRoutes(routers).filter(
        // Backstage's own: the generated router serves the spec itself, the permissions registry
        // its metadata, and the actions registry its actions (docs/actions.md), as in every plugin.
        route =>
          route !== 'GET /openapi.json' &&
          !route.includes(' /.well-known/backstage/') &&
          !route.includes(' /.backstage/actions/'),
      );
      expect(served.length).toBeGreaterThan(20);
      expect(served.filter(route => !specOperations().includes(route))).toEqual(
        [],
      );
      expect(specOperations().filter(route => !served.includes(route))).toEqual(
        [],
      );
    } finally {
      await backend.stop();
    }
  });
});

describe('docs/api.md', () => {
  it('lists every operation of the spec in its table of routes', () => {
    const doc = readFileSync(
      resolvePath(__dirname, '../../../../docs/api.md'),
      'utf8',
    );
    const listed = [
      ...doc.matchAll(/^\| (GET|POST) +\| `([^`?]+)[^`]*` +\|/gm),
    ].map(([, method, path]) => `${method} ${path}`);
    expect(specOperations().filter(route => !listed.includes(route))).toEqual(
      [],
    );
  });
});
