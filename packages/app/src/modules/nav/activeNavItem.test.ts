import { activeNavHref } from './activeNavItem';

const HREFS = ['/', '/environments', '/environments/approvals', '/create'];

describe('activeNavHref', () => {
  it('lights only the most specific item: Approvals, not Environments, on the approvals page', () => {
    expect(activeNavHref(HREFS, '/environments/approvals')).toBe(
      '/environments/approvals',
    );
    expect(activeNavHref(HREFS, '/environments/approvals/')).toBe(
      '/environments/approvals',
    );
  });

  it('keeps the parent item for pages that have no item of their own', () => {
    expect(activeNavHref(HREFS, '/environments')).toBe('/environments');
    expect(activeNavHref(HREFS, '/environments/promotions/42')).toBe(
      '/environments',
    );
    expect(
      activeNavHref(HREFS, '/create/templates/default/create-service'),
    ).toBe('/create');
    expect(activeNavHref(HREFS, '/catalog/default/component/x')).toBe('/');
  });
});
