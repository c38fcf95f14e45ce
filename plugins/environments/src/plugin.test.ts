import {
  EntityEnvironmentsCard,
  EntityEnvironmentsContent,
  EnvironmentsApprovalsPage,
  EnvironmentsFleetPage,
  environmentsPlugin,
  isEnvironmentsAvailable,
} from './index';

describe('environments plugin (legacy frontend system)', () => {
  it('provides the environments API', () => {
    expect(
      [...environmentsPlugin.getApis()].map(factory => factory.api.id),
    ).toEqual(['plugin.environments.client']);
  });

  it('exports the page, the entity tab content and the entity card', () => {
    expect(EnvironmentsFleetPage).toBeInstanceOf(Function);
    expect(EnvironmentsApprovalsPage).toBeInstanceOf(Function);
    expect(EntityEnvironmentsContent).toBeInstanceOf(Function);
    expect(EntityEnvironmentsCard).toBeInstanceOf(Function);
  });

  it('is available only on entities with the project annotation', () => {
    expect(
      isEnvironmentsAvailable({
        metadata: { annotations: { 'environments.io/project': 'shop' } },
      }),
    ).toBe(true);
    expect(isEnvironmentsAvailable({ metadata: {} })).toBe(false);
  });
});
