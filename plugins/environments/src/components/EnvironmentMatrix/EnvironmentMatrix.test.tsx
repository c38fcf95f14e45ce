import { ResponseError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EnvironmentsApi } from '../../api';
import {
  checkoutMatrix,
  comparison,
  digest,
  entity,
  fakeApi,
  finding,
  matrix,
  missing,
  paymentsMatrix,
  running,
  searchedFor,
  serviceFindings,
  stackCheck,
} from '../../testing/fixtures';
import { renderEnvironmentsTab } from './__testUtils__/renderEnvironmentsTab';

async function renderMatrix(api: EnvironmentsApi, subject: Entity) {
  return renderEnvironmentsTab(api, { entity: subject });
}

/** The cell of a row (by its label) in an environment's column (by its title). */
function cell(rowLabel: string, environmentTitle: string): HTMLElement {
  const table = screen.getByRole('table', { name: /Environments of/ });
  const headers = within(table).getAllByRole('columnheader');
  const column = headers.findIndex(h =>
    h.textContent?.startsWith(environmentTitle),
  );
  expect(column).toBeGreaterThan(0);
  const row = within(table)
    .getByRole('rowheader', { name: rowLabel })
    .closest('tr')!;
  return row.children[column] as HTMLElement;
}

async function errorResponse(status: number, name: string, message: string) {
  const body = JSON.stringify({
    error: { name, message },
    request: { method: 'GET', url: '/api/environments/x' },
    response: { statusCode: status },
  });
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: 'Not Found',
    type: 'basic',
    url: 'http://localhost:7007/api/environments/x',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () => body,
  } as any);
}

describe('EnvironmentMatrix', () => {
  it('shows progress while the matrix loads', async () => {
    const api = fakeApi({ getMatrix: jest.fn(() => new Promise(() => {})) });
    await renderMatrix(api, entity('checkout-api'));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it("shows the backend's error message when loading fails", async () => {
    const error = await errorResponse(
      404,
      'NotFoundError',
      'No component:default/checkout-api in the catalog',
    );
    const api = fakeApi({ getMatrix: jest.fn().mockRejectedValue(error) });
    await renderMatrix(api, entity('checkout-api'));
    expect(
      await screen.findByText(
        /Could not load environments: No component:default\/checkout-api in the catalog/,
      ),
    ).toBeInTheDocument();
  });

  it('names the missing annotation when the entity is not configured', async () => {
    const api = fakeApi();
    await renderMatrix(api, entity('checkout-api', {}));
    expect(screen.getByText('Missing Annotation')).toBeInTheDocument();
    expect(
      screen.getAllByText(/environments\.io\/project/).length,
    ).toBeGreaterThan(0);
    expect(api.getMatrix).not.toHaveBeenCalled();
  });

  it('lays environments out as columns in their configured order', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue({
        ...checkoutMatrix,
        environments: [...checkoutMatrix.environments].reverse(),
      }),
    });
    await renderMatrix(api, entity('checkout-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers.slice(1)).toEqual(['Development', 'Staging', 'Production']);
    expect(api.getMatrix).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout-api',
    });
  });

  it('shows the short digest, linked to ECR, with the full digest on hover and a copy button', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
    });
    await renderMatrix(api, entity('checkout-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    const prod = cell('Digest', 'Production');
    const link = within(prod).getByRole('link', {
      name: /^aaaaaaaaaaaa \(image in ECR\)/,
    });
    expect(within(link).getByText('aaaaaaaaaaaa')).toBeInTheDocument();
    expect(link).toHaveAttribute(
      'href',
      `https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/333333333333/checkout-api/_/image/${digest(
        'a',
      )}/details?region=eu-west-1`,
    );
    expect(within(prod).getByTitle(digest('a'))).toBeInTheDocument();
    // Backstage's copy button in its quiet style, not the solid dark square of its default.
    expect(
      within(prod).getByRole('button', {
        name: 'Copy the full digest running in prod',
      }),
    ).toHaveAttribute('data-variant', 'tertiary');
  });

  it('flags a newer build waiting in the environment before', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
    });
    await renderMatrix(api, entity('checkout-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    expect(
      within(cell('Digest', 'Production')).getByText(
        'staging has a newer build',
      ),
    ).toBeInTheDocument();
    expect(
      within(cell('Digest', 'Staging')).getByText('dev has a newer build'),
    ).toBeInTheDocument();
    expect(
      within(cell('Digest', 'Development')).queryByText(/newer build/),
    ).not.toBeInTheDocument();
  });

  it('marks a digest equal to the previous environment quietly and warns about an unpromoted artifact', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(paymentsMatrix),
    });
    await renderMatrix(api, entity('payments-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    expect(
      within(cell('Digest', 'Staging')).getByText('= dev'),
    ).toBeInTheDocument();
    expect(
      within(cell('Digest', 'Production')).getByText('never ran in staging'),
    ).toBeInTheDocument();
    expect(
      within(cell('Digest', 'Production')).queryByText('= staging'),
    ).not.toBeInTheDocument();
  });

  it('shows live version, deployment time, configuration and stack per environment', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(
        matrix('reporting-api', [
          running('reporting-api', 'dev', 'a'),
          running(
            'reporting-api',
            'staging',
            'a',
            { comparison: comparison('dev', { sameDigestAsPrevious: true }) },
            {
              liveAlias: { version: '7', routing: { '8': 0.1 } },
              configuration: {
                packageType: 'Image',
                memorySize: 512,
                timeout: 300,
                reservedConcurrency: undefined,
                architectures: ['arm64'],
                environmentVariableNames: ['DB_URL'],
                layers: [],
              },
              stack: {
                stackName: 'shop-reporting-api-staging',
                stackId: 'id',
                status: 'UPDATE_ROLLBACK_FAILED',
              },
            },
          ),
          running('reporting-api', 'prod', 'a'),
        ]),
      ),
    });
    await renderMatrix(api, entity('reporting-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    expect(cell('Live version', 'Staging')).toHaveTextContent(
      'version 710% to version 8',
    );
    expect(cell('Deployed', 'Staging')).toHaveTextContent('2 days ago');
    expect(cell('Memory', 'Staging')).toHaveTextContent('512 MB');
    expect(cell('Memory', 'Production')).toHaveTextContent('1024 MB');
    expect(cell('Timeout', 'Staging')).toHaveTextContent('300 s');
    expect(cell('Reserved concurrency', 'Staging')).toHaveTextContent(
      'unknown',
    );
    expect(cell('Reserved concurrency', 'Production')).toHaveTextContent('10');
    expect(cell('Architecture', 'Staging')).toHaveTextContent('arm64');
    expect(cell('Environment variables', 'Staging')).toHaveTextContent(
      'DB_URL',
    );
    expect(cell('Stack', 'Staging')).toHaveTextContent(
      'UPDATE_ROLLBACK_FAILED',
    );
    expect(cell('Stack', 'Production')).toHaveTextContent('UPDATE_COMPLETE');
  });

  it.each([
    [
      'found by tags',
      'tags' as const,
      'found by tags, named against the convention: expected shop-notifications-worker-prod',
    ],
    [
      'named by annotation',
      'explicit' as const,
      'named by annotation, against the convention: expected shop-notifications-worker-prod',
    ],
  ])(
    'flags a resource %s that breaks the naming convention',
    async (_how, discoveredBy, flag) => {
      const api = fakeApi({
        getMatrix: jest.fn().mockResolvedValue(
          matrix('notifications-worker', [
            running('notifications-worker', 'dev', 'a'),
            running('notifications-worker', 'staging', 'a'),
            running(
              'notifications-worker',
              'prod',
              'a',
              {},
              {
                functionName: 'shop-notifications-worker-production',
                discoveredBy,
                expectedName: 'shop-notifications-worker-prod',
              },
            ),
          ]),
        ),
      });
      await renderMatrix(api, entity('notifications-worker'));
      await screen.findByRole('table', { name: /Environments of/ });
      const prod = cell('Resources found', 'Production');
      expect(prod).toHaveTextContent('shop-notifications-worker-production');
      expect(prod).toHaveTextContent(flag);
      expect(cell('Resources found', 'Staging')).not.toHaveTextContent(
        'named against the convention',
      );
    },
  );

  it('shows stale data with the error and its age', async () => {
    const threeHoursAgo = new Date(Date.now() - 3 * 3600 * 1000).toISOString();
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(
        matrix('checkout-api', [
          running('checkout-api', 'dev', 'a'),
          running('checkout-api', 'staging', 'a'),
          running('checkout-api', 'prod', 'a', {
            freshness: {
              stale: true,
              refreshedAt: threeHoursAgo,
              error:
                'AccessDenied: not authorized to perform lambda:GetFunction',
            },
          }),
        ]),
      ),
    });
    await renderMatrix(api, entity('checkout-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    const prod = cell('Freshness', 'Production');
    expect(prod).toHaveTextContent('stale: data from 3 hours ago');
    expect(prod).toHaveTextContent(
      'last refresh failed: AccessDenied: not authorized to perform lambda:GetFunction',
    );
    expect(screen.getAllByRole('columnheader')[3]).toHaveTextContent(
      'stale data',
    );
    expect(cell('Freshness', 'Staging')).toHaveTextContent(
      /^refreshed \d+ minutes ago$/,
    );
  });

  it('says where the backend looked when the service is found in no environment', async () => {
    // Another convention than the demo's, told by the API: the page computes nothing itself.
    const billing = (env: string, name: string) =>
      searchedFor('api', env, {
        names: [
          {
            name,
            source: 'convention',
            convention: '{project}-{env}-{component}-{purpose}',
            setBy: 'environments.compliance.naming.conventions.lambdaFunction',
          },
        ],
        locations: [{ accountId: '444444444444', region: 'us-east-1' }],
      });
    const prod = billing('prod', 'billing-prod-api-{purpose}');
    prod.names.unshift({
      name: 'legacy-billing',
      source: 'annotation',
      setBy: 'environments.io/function.prod',
    });
    const api = fakeApi({
      getMatrix: jest
        .fn()
        .mockResolvedValue(
          matrix('api', [
            missing('dev', billing('dev', 'billing-dev-api-{purpose}')),
            missing(
              'staging',
              billing('staging', 'billing-staging-api-{purpose}'),
            ),
            missing('prod', prod),
          ]),
        ),
    });
    await renderMatrix(api, entity('api'));
    expect(
      await screen.findByText('api was not found in any environment'),
    ).toBeInTheDocument();
    const items = screen.getAllByRole('listitem').map(li => li.textContent);
    expect(items).toEqual([
      'Development: a function named billing-dev-api-{purpose} (naming convention {project}-{env}-{component}-{purpose}, from environments.compliance.naming.conventions.lambdaFunction), or tagged Project=shop, Component=api, Environment=dev or development, in 444444444444/us-east-1',
      expect.stringContaining('named billing-staging-api-{purpose}'),
      'Production: a function named legacy-billing (annotation environments.io/function.prod) or named billing-prod-api-{purpose} (naming convention {project}-{env}-{component}-{purpose}, from environments.compliance.naming.conventions.lambdaFunction), or tagged Project=shop, Component=api, Environment=prod or production, in 444444444444/us-east-1',
    ]);
  });

  it('says where it looked in the one environment where nothing was found', async () => {
    const api = fakeApi({
      getMatrix: jest
        .fn()
        .mockResolvedValue(
          matrix('checkout-api', [
            running('checkout-api', 'dev', 'a'),
            running('checkout-api', 'staging', 'a'),
            missing('prod', searchedFor('checkout-api', 'prod')),
          ]),
        ),
    });
    await renderMatrix(api, entity('checkout-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    expect(cell('Digest', 'Production')).toHaveTextContent('not found');
    expect(cell('Resources found', 'Production')).toHaveTextContent(
      'none found; looked for a function named shop-checkout-api-prod (naming convention {project}-{component}-{env}, from environments.compliance.naming.conventions.lambdaFunction), or tagged Project=shop, Component=checkout-api, Environment=prod or production, in 333333333333/eu-west-1',
    );
  });

  it('shows a function found without a live alias as found, with no live alias', async () => {
    const api = fakeApi({
      getMatrix: jest
        .fn()
        .mockResolvedValue(
          matrix('checkout-api', [
            running('checkout-api', 'dev', 'a'),
            running(
              'checkout-api',
              'staging',
              'a',
              { digest: undefined, liveVersion: undefined },
              { liveAlias: null },
            ),
            running('checkout-api', 'prod', 'a'),
          ]),
        ),
    });
    await renderMatrix(api, entity('checkout-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    expect(cell('Digest', 'Staging')).toHaveTextContent('found, no live alias');
    expect(cell('Digest', 'Staging')).not.toHaveTextContent('not found');
    expect(cell('Live version', 'Staging')).toHaveTextContent('no live alias');
    expect(cell('Resources found', 'Staging')).toHaveTextContent(
      'shop-checkout-api-staging',
    );
  });

  it('names the annotation a misspelt key is likely meant as', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue({
        ...checkoutMatrix,
        unknownAnnotations: [
          {
            annotation: 'environments.io/fuction.prod',
            likelyMeant: 'environments.io/function.prod',
            message:
              'The annotation environments.io/fuction.prod is not one the Environments plugins read: did you mean environments.io/function.prod?',
          },
        ],
      }),
    });
    await renderMatrix(api, entity('checkout-api'));
    expect(
      await screen.findByText(
        /The annotation environments\.io\/fuction\.prod is not one the Environments plugins read: did you mean environments\.io\/function\.prod\?/,
      ),
    ).toBeInTheDocument();
  });

  it('names the project annotation when the entity carries a misspelt one', async () => {
    const api = fakeApi();
    await renderMatrix(
      api,
      entity('checkout-api', { 'environments.io/projcet': 'shop' }),
    );
    expect(screen.getByText('Missing Annotation')).toBeInTheDocument();
    expect(
      screen.getByText(
        /The annotation environments\.io\/projcet is not one the Environments plugins read: did you mean environments\.io\/project\?/,
      ),
    ).toBeInTheDocument();
    expect(api.getMatrix).not.toHaveBeenCalled();
  });

  it('refreshes the service from AWS when Refresh is pressed', async () => {
    const refreshed = matrix('checkout-api', [
      running('checkout-api', 'dev', 'f'),
      running('checkout-api', 'staging', 'f', {
        comparison: comparison('dev', { sameDigestAsPrevious: true }),
      }),
      running('checkout-api', 'prod', 'f', {
        comparison: comparison('staging', { sameDigestAsPrevious: true }),
      }),
    ]);
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      refresh: jest.fn().mockResolvedValue(refreshed),
    });
    await renderMatrix(api, entity('checkout-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    expect(cell('Digest', 'Production')).toHaveTextContent('aaaaaaaaaaaa');

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    await waitFor(() =>
      expect(cell('Digest', 'Production')).toHaveTextContent('ffffffffffff'),
    );
    expect(cell('Digest', 'Production')).toHaveTextContent('= staging');
    expect(api.refresh).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout-api',
    });
  });

  it('keeps the matrix and shows why when a refresh fails', async () => {
    const api = fakeApi({
      getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
      refresh: jest
        .fn()
        .mockRejectedValue(
          await errorResponse(503, 'ServiceUnavailableError', 'AWS throttled'),
        ),
    });
    await renderMatrix(api, entity('checkout-api'));
    await screen.findByRole('table', { name: /Environments of/ });
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(
      await screen.findByText(/Refresh failed: AWS throttled/),
    ).toBeInTheDocument();
    expect(cell('Digest', 'Production')).toHaveTextContent('aaaaaaaaaaaa');
  });

  describe('the Drift and compliance row', () => {
    const notificationsFindings = serviceFindings([
      finding({
        kind: 'tags',
        severity: 'error',
        environment: 'staging',
        rule: 'tags.required',
        subject: 'Owner',
        message:
          "shop-checkout-api-staging: the required tag 'Owner' is missing",
      }),
      finding({
        kind: 'naming',
        severity: 'warning',
        environment: 'prod',
        rule: 'naming.environment-spelling',
        message:
          "Lambda function shop-checkout-api-production spells the environment 'production' where {env} wants 'prod'",
      }),
    ]);

    it("shows each environment's findings, with a count that folds out into the list", async () => {
      const api = fakeApi({
        getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
        getFindings: jest.fn().mockResolvedValue(notificationsFindings),
      });
      await renderMatrix(api, entity('checkout-api'));
      await screen.findByRole('table', { name: /Environments of/ });

      await waitFor(() =>
        expect(cell('Drift and compliance', 'Staging')).toHaveTextContent(
          '1 finding',
        ),
      );
      const staging = cell('Drift and compliance', 'Staging');
      expect(staging).toHaveTextContent('tags');
      expect(staging).not.toHaveTextContent('the required tag');
      expect(cell('Drift and compliance', 'Development')).toHaveTextContent(
        'no findings',
      );
      expect(cell('Drift and compliance', 'Production')).toHaveTextContent(
        '1 finding',
      );

      await userEvent.click(
        within(staging).getByRole('button', { name: '1 finding' }),
      );
      expect(staging).toHaveTextContent(
        "error, tags shop-checkout-api-staging: the required tag 'Owner' is missing",
      );
      expect(staging).toHaveTextContent('since 3 days ago');
      expect(api.getFindings).toHaveBeenCalledWith({
        kind: 'Component',
        namespace: 'default',
        name: 'checkout-api',
      });
    });

    it('shows the stored drift check of each stack, and not checked with the reason where the API is missing', async () => {
      const api = fakeApi({
        getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
        getFindings: jest.fn().mockResolvedValue(
          serviceFindings(
            [],
            [
              stackCheck('dev', {
                status: 'not-checked',
                reason:
                  'CloudFormation drift detection is not available here (DetectStackDrift: 500)',
                checkedAt: undefined,
                stackDriftStatus: undefined,
              }),
              stackCheck('staging'),
            ],
          ),
        ),
      });
      await renderMatrix(api, entity('checkout-api'));
      await screen.findByRole('table', { name: /Environments of/ });

      await waitFor(() =>
        expect(cell('Drift and compliance', 'Development')).toHaveTextContent(
          'CloudFormation drift not checked: CloudFormation drift detection is not available here (DetectStackDrift: 500)',
        ),
      );
      expect(cell('Drift and compliance', 'Staging')).toHaveTextContent(
        'CloudFormation: in sync',
      );
      expect(cell('Drift and compliance', 'Production')).toHaveTextContent(
        'CloudFormation drift not checked yet',
      );
    });

    it('checks CloudFormation drift on demand and shows what was found', async () => {
      const api = fakeApi({
        getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
        checkDrift: jest.fn().mockResolvedValue(
          serviceFindings(
            [
              finding({
                kind: 'cloudformation-drift',
                severity: 'warning',
                environment: 'prod',
                message:
                  'AWS::Lambda::Function Function of stack shop-checkout-api-prod: /MemorySize is 2048 but the template says 1024',
              }),
            ],
            [
              stackCheck('prod', {
                stackDriftStatus: 'DRIFTED',
                driftedResources: 1,
              }),
            ],
          ),
        ),
      });
      await renderMatrix(api, entity('checkout-api'));
      await screen.findByRole('table', { name: /Environments of/ });
      await waitFor(() =>
        expect(cell('Drift and compliance', 'Production')).toHaveTextContent(
          'no findings',
        ),
      );

      await userEvent.click(
        screen.getByRole('button', { name: /Check CloudFormation drift/ }),
      );

      await waitFor(() =>
        expect(cell('Drift and compliance', 'Production')).toHaveTextContent(
          'CloudFormation: 1 resource drifted',
        ),
      );
      const prod = cell('Drift and compliance', 'Production');
      expect(prod).toHaveTextContent('1 finding');
      expect(prod).toHaveTextContent('CloudFormation drift');
      expect(api.checkDrift).toHaveBeenCalledTimes(1);
    });

    it("says why the drift check failed, in the backend's words", async () => {
      const error = await errorResponse(
        403,
        'NotAllowedError',
        "This endpoint does not allow 'service' credentials",
      );
      const api = fakeApi({
        getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
        checkDrift: jest.fn().mockRejectedValue(error),
      });
      await renderMatrix(api, entity('checkout-api'));
      await screen.findByRole('table', { name: /Environments of/ });

      await userEvent.click(
        screen.getByRole('button', { name: /Check CloudFormation drift/ }),
      );

      expect(
        await screen.findByText(
          /CloudFormation drift check failed: This endpoint does not allow 'service' credentials/,
        ),
      ).toBeInTheDocument();
    });

    it('loads the findings again after a refresh, which evaluated the service again', async () => {
      const api = fakeApi({
        getMatrix: jest.fn().mockResolvedValue(checkoutMatrix),
        refresh: jest.fn().mockResolvedValue(checkoutMatrix),
        getFindings: jest
          .fn()
          .mockResolvedValueOnce(notificationsFindings)
          .mockResolvedValue(serviceFindings()),
      });
      await renderMatrix(api, entity('checkout-api'));
      await screen.findByRole('table', { name: /Environments of/ });
      await waitFor(() =>
        expect(cell('Drift and compliance', 'Staging')).toHaveTextContent(
          '1 finding',
        ),
      );

      await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));

      await waitFor(() =>
        expect(cell('Drift and compliance', 'Staging')).toHaveTextContent(
          'no findings',
        ),
      );
      expect(api.getFindings).toHaveBeenCalledTimes(2);
    });
  });
});
