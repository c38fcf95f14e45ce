import { toComplianceFacts, toServiceDescriptor } from './ServiceCatalog';

describe('toServiceDescriptor', () => {
  it('reads the project, component and explicit function names from the annotations', () => {
    expect(
      toServiceDescriptor({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'notifications-worker',
          namespace: 'shop',
          title: 'Notifications worker',
          annotations: {
            'environments.io/project': 'shop',
            'environments.io/component': 'notifications',
            'environments.io/function.prod':
              'shop-notifications-worker-production',
            'backstage.io/techdocs-ref': 'dir:.',
          },
        },
        spec: { owner: 'team-platform', system: 'default/shop' },
      }),
    ).toEqual({
      entityRef: 'component:shop/notifications-worker',
      project: 'shop',
      component: 'notifications',
      explicitFunctionNames: { prod: 'shop-notifications-worker-production' },
      title: 'Notifications worker',
      // Relative refs are resolved in the entity's namespace, as the catalog does.
      owner: 'group:shop/team-platform',
      system: 'system:default/shop',
    });
  });

  it('uses the entity name as the component when the annotation is absent', () => {
    const descriptor = toServiceDescriptor({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout-api',
        annotations: { 'environments.io/project': 'shop' },
      },
      spec: { owner: 'user:default/jane' },
    });

    expect(descriptor).toMatchObject({
      entityRef: 'component:default/checkout-api',
      component: 'checkout-api',
      explicitFunctionNames: {},
      owner: 'user:default/jane',
    });
    expect(descriptor.system).toBeUndefined();
  });
});

describe('toComplianceFacts', () => {
  it("reads the owner, the service's naming conventions and its repository from the Component", () => {
    expect(
      toComplianceFacts({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'api',
          annotations: {
            'environments.io/project': 'smartstack',
            'environments.io/naming-convention': '{project}-{env}-{service}',
            'environments.io/naming-convention.cloudformation-stack':
              '{Project}-{envLong}-{Stack}',
            'backstage.io/source-location':
              'url:https://github.com/acme/smartstack/tree/main/',
          },
        },
        spec: { owner: 'team-smartstack' },
      }),
    ).toEqual({
      entityRef: 'component:default/api',
      project: 'smartstack',
      component: 'api',
      owner: 'group:default/team-smartstack',
      namingOverrides: {
        'lambda-function': '{project}-{env}-{service}',
        'cloudformation-stack': '{Project}-{envLong}-{Stack}',
      },
      sourceLocation: 'url:https://github.com/acme/smartstack/tree/main/',
    });
  });

  it('leaves out what the Component does not say', () => {
    expect(
      toComplianceFacts({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'checkout-api',
          annotations: { 'environments.io/project': 'shop' },
        },
      }),
    ).toEqual({
      entityRef: 'component:default/checkout-api',
      project: 'shop',
      component: 'checkout-api',
    });
  });
});
