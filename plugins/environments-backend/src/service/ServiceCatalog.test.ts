import { toServiceDescriptor } from './ServiceCatalog';

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
