import { render } from '@testing-library/react';
import { searchedFor } from '../../testing/fixtures';
import { SearchedFor, nameOrigin, tagsText } from './SearchedFor';

describe('SearchedFor', () => {
  it('says where each name comes from', () => {
    expect(
      nameOrigin({
        name: 'legacy',
        source: 'annotation',
        setBy: 'environments.io/function.prod',
      }),
    ).toBe('annotation environments.io/function.prod');
    expect(
      nameOrigin({
        name: 'shop-api-prod',
        source: 'convention',
        convention: '{project}-{component}-{env}',
        setBy: 'default',
      }),
    ).toBe('built-in naming convention {project}-{component}-{env}');
    expect(
      nameOrigin({
        name: 'smartstack-prod-api',
        source: 'convention',
        convention: '{project}-{env}-{service}',
        setBy: 'environments.io/naming-convention',
      }),
    ).toBe(
      'naming convention {project}-{env}-{service}, from environments.io/naming-convention',
    );
  });

  it('lists every tag with both spellings of the environment', () => {
    expect(tagsText(searchedFor('api', 'prod').tags)).toBe(
      'Project=shop, Component=api, Environment=prod or production',
    );
  });

  it('says where it looked in every location of the environment', () => {
    const { container } = render(
      <SearchedFor
        search={searchedFor('api', 'prod', {
          locations: [
            { accountId: '666666666666', region: 'us-east-1' },
            { accountId: '666666666666', region: 'eu-central-1' },
          ],
        })}
      />,
    );
    expect(container.textContent).toMatch(
      /, in 666666666666\/us-east-1, 666666666666\/eu-central-1$/,
    );
  });

  it('says that it does not know where it looked when the backend did not say', () => {
    const { container } = render(<SearchedFor />);
    expect(container.textContent).toBe(
      'where it looked is not known yet: refresh to collect again',
    );
  });
});
