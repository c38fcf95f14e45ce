import { isResourcePermission } from '@backstage/plugin-permission-common';
import { environmentsPermissions } from './permissions';

describe('Environments permissions', () => {
  it('are resource permissions on the catalog entity, so policies can limit them to owners', () => {
    expect(environmentsPermissions.map(p => p.name)).toEqual([
      'environments.promotion.request',
      'environments.promotion.approve',
      'environments.promotion.execute',
      'environments.rollback',
      'environments.promotion.window-override',
    ]);
    expect(
      environmentsPermissions.every(p =>
        isResourcePermission(p, 'catalog-entity'),
      ),
    ).toBe(true);
  });
});
