import { findUnknownAnnotations } from './annotationKeys';

const ENVIRONMENTS = [
  { name: 'dev', shortName: 'dev', longName: 'development' },
  { name: 'prod', shortName: 'prod', longName: 'production' },
];

const likely = (annotations: Record<string, string>) =>
  findUnknownAnnotations(annotations, ENVIRONMENTS).map(u => [
    u.annotation,
    u.likelyMeant,
  ]);

describe('findUnknownAnnotations', () => {
  it('names the key a misspelt one is likely meant as', () => {
    expect(
      likely({
        'environments.io/projcet': 'shop',
        'environments.io/fuction.prod': 'legacy',
        'environments.io/Component': 'api',
        'enviroments.io/naming-convention': '{project}-{env}',
      }),
    ).toEqual([
      ['environments.io/projcet', 'environments.io/project'],
      ['environments.io/fuction.prod', 'environments.io/function.prod'],
      ['environments.io/Component', 'environments.io/component'],
      ['enviroments.io/naming-convention', 'environments.io/naming-convention'],
    ]);
  });

  it('says which environments exist when a per-environment key names another, by its spelling if it is one', () => {
    const [production, qa] = findUnknownAnnotations(
      {
        'environments.io/function.production': 'shop-api-production',
        'environments.io/smoke-url.qa': 'https://qa.example.com/health',
      },
      ENVIRONMENTS,
    );
    expect(production).toEqual({
      annotation: 'environments.io/function.production',
      likelyMeant: 'environments.io/function.prod',
      message:
        "The annotation environments.io/function.production names no configured environment ('production'; the environments are dev, prod): did you mean environments.io/function.prod?",
    });
    expect(qa.likelyMeant).toBeUndefined();
    expect(qa.message).toContain('the environments are dev, prod');
  });

  it('leaves the known annotations and those of other plugins alone', () => {
    expect(
      likely({
        'environments.io/project': 'shop',
        'environments.io/component': 'api',
        'environments.io/function.dev': 'shop-api-dev',
        'environments.io/smoke-url.prod': 'https://shop.example.com/health',
        'environments.io/naming-convention.cloudformation-stack': '{Project}',
        'backstage.io/source-location': 'url:https://github.com/acme/shop',
        'github.com/project-slug': 'acme/shop',
      }),
    ).toEqual([]);
  });

  it('reports an unknown key under the prefix even when nothing is close', () => {
    expect(
      findUnknownAnnotations(
        { 'environments.io/owner-team': 'x' },
        ENVIRONMENTS,
      ),
    ).toEqual([
      {
        annotation: 'environments.io/owner-team',
        message:
          'The annotation environments.io/owner-team is not one the Environments plugins read (see docs/annotations.md)',
      },
    ]);
  });
});
