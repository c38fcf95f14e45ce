import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  environmentsPermissions,
  serviceProvisionPermission,
} from './permissions';

describe('Environments permissions', () => {
  it('are resource permissions on the catalog entity, so policies can limit them to owners', () => {
    expect(environmentsPermissions.map(p => p.name)).toEqual([
      'environments.promotion.request',
      'environments.promotion.approve',
      'environments.promotion.execute',
      'environments.rollback',
      'environments.promotion.window-override',
      'environments.service.provision',
    ]);
    expect(
      environmentsPermissions
        .filter(p => p !== serviceProvisionPermission)
        .every(p => isResourcePermission(p, 'catalog-entity')),
    ).toBe(true);
  });

  it('creating a service is a basic permission: its entity does not exist yet', () => {
    expect(isResourcePermission(serviceProvisionPermission)).toBe(false);
    expect(serviceProvisionPermission.attributes.action).toBe('create');
  });
});
