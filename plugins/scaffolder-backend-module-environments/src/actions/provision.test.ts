import fs from 'fs';
import path from 'path';
import { actionAgainstStandIn } from '../__testUtils__/actionAgainstStandIn';
import {
  backendError,
  StandInRoutes,
} from '../__testUtils__/environmentsStandIn';
import { createProvisionAction } from './provision';

const INPUT = {
  project: 'shop',
  component: 'cart-api',
  owner: 'group:default/team-checkout',
  system: '',
  costCenter: 'cc-100',
};

function plannedStatus(name: string, created: boolean) {
  if (created) return 'created';
  return name === 'dev' ? 'planned' : 'skipped';
}

function environment(name: string, account: string, created: boolean) {
  return {
    environment: name,
    accountId: account,
    region: 'eu-west-1',
    stackName: `shop-cart-api-${name}`,
    functionName: `shop-cart-api-${name}`,
    deploy: name === 'dev',
    parameters: { FunctionName: `shop-cart-api-${name}`, MemorySize: '512' },
    status: plannedStatus(name, created),
    ...(created
      ? {
          imageUri: `${account}.dkr.ecr.eu-west-1.amazonaws.com/platform-hello@sha256:abc`,
          liveVersion: '1',
        }
      : {}),
  };
}

function provision(dryRun: boolean, problems: object[] = []) {
  return {
    entityRef: 'component:default/cart-api',
    status: dryRun ? 'planned' : 'succeeded',
    image: 'platform-hello:1.0.0',
    template: { Resources: { Function: { Type: 'AWS::Lambda::Function' } } },
    problems,
    environments: [
      environment('dev', '111111111111', !dryRun),
      environment('staging', '222222222222', false),
    ],
  };
}

const routes: StandInRoutes = {
  'POST /provisions': request => ({ body: provision(request.body.dryRun) }),
};

describe('environments:provision', () => {
  const setup = actionAgainstStandIn(createProvisionAction);

  it('asks the backend on behalf of the user and writes the deployed template into the workspace', async () => {
    const { action, backend, context, logged } = await setup(routes);
    const ctx = context(INPUT);
    await action.handler(ctx);

    expect(backend.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/provisions',
        onBehalfOf: 'user:default/alice',
        body: {
          project: 'shop',
          component: 'cart-api',
          owner: 'group:default/team-checkout',
          costCenter: 'cc-100',
          dryRun: false,
        },
      }),
    ]);
    expect(logged()).toContain(
      'Created stack shop-cart-api-dev in dev (account 111111111111, eu-west-1): shop-cart-api-dev live → version 1 (111111111111.dkr.ecr.eu-west-1.amazonaws.com/platform-hello@sha256:abc)',
    );
    const dir = path.join(ctx.workspacePath, 'cloudformation');
    expect(
      JSON.parse(fs.readFileSync(path.join(dir, 'service.json'), 'utf8')),
    ).toEqual(provision(false).template);
    expect(
      JSON.parse(
        fs.readFileSync(path.join(dir, 'dev.parameters.json'), 'utf8'),
      ),
    ).toEqual([
      { ParameterKey: 'FunctionName', ParameterValue: 'shop-cart-api-dev' },
      { ParameterKey: 'MemorySize', ParameterValue: '512' },
      {
        ParameterKey: 'ImageUri',
        ParameterValue:
          '111111111111.dkr.ecr.eu-west-1.amazonaws.com/platform-hello@sha256:abc',
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/cart-api',
    );
  });

  it('in a dry run logs the plan, as the backend returned it without changing anything', async () => {
    const { action, backend, context, logged } = await setup(routes);
    const ctx = context(INPUT);
    ctx.isDryRun = true;
    await action.handler(ctx);
    expect(backend.requests[0].body.dryRun).toBe(true);
    expect(logged()).toEqual([
      'Dry run: would create stack shop-cart-api-dev in dev (account 111111111111, eu-west-1) with function shop-cart-api-dev on platform-hello:1.0.0 and point live at its first version; nothing was created',
      'Dry run: staging is not deployed when a service is created (environments.provisioning.deployTo); its stack would be shop-cart-api-staging in staging (account 222222222222, eu-west-1)',
    ]);
  });

  it('fails a dry run on the problems the real run would refuse', async () => {
    const { action, context } = await setup({
      'POST /provisions': () => ({
        body: provision(true, [
          {
            field: 'component',
            message: "A service named 'cart-api' already exists in the catalog",
          },
          {
            field: 'owner',
            message:
              "The owner 'group:default/x' is not a team (Group) in the catalog",
          },
        ]),
      }),
    });
    const ctx = context(INPUT);
    ctx.isDryRun = true;
    await expect(action.handler(ctx)).rejects.toThrow(
      "Could not create the environments of cart-api: A service named 'cart-api' already exists in the catalog; The owner 'group:default/x' is not a team (Group) in the catalog",
    );
  });

  it("fails with the backend's own refusal", async () => {
    const { action, context } = await setup({
      'POST /provisions': () =>
        backendError(
          403,
          'NotAllowedError',
          'user:default/alice may not create services (permission environments.service.provision)',
        ),
    });
    await expect(action.handler(context(INPUT))).rejects.toThrow(
      'Could not create the environments of cart-api: user:default/alice may not create services (permission environments.service.provision) (HTTP 403)',
    );
  });
});
