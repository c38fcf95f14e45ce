import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// A minimal backend for working on this plugin alone: mock auth, a catalog holding the demo's
// services, and the plugin. It reads the `environments` section of the repository's
// app-config.yaml, i.e. the demo fleet in the local AWS emulator (docs/development.md).
//
// Start it with `yarn start` in this package, then try:
//
//   curl http://localhost:7007/api/environments/environments
//   curl http://localhost:7007/api/environments/fleet?status=needs-promotion
//   curl http://localhost:7007/api/environments/services/default/component/checkout-api/matrix
//   curl http://localhost:7007/api/environments/services/default/component/checkout-api/environments/prod/history
//   curl -X POST http://localhost:7007/api/environments/services/default/component/checkout-api/refresh
//
// Without credentials, or with service ones:
//
//   curl http://localhost:7007/api/environments/fleet -H 'Authorization: Bearer mock-none-token'
//   curl http://localhost:7007/api/environments/fleet -H 'Authorization: Bearer mock-service-token'

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());

const service = (name: string, owner: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: { 'environments.io/project': 'shop' } },
  spec: { type: 'service', lifecycle: 'production', owner, system: 'shop' },
});

backend.add(
  catalogServiceMock.factory({
    entities: [
      service('checkout-api', 'team-checkout'),
      service('inventory-service', 'team-platform'),
      service('payments-api', 'team-checkout'),
      service('notifications-worker', 'team-platform'),
      service('reporting-api', 'team-platform'),
    ],
  }),
);

backend.add(import('../src'));

backend.start();
