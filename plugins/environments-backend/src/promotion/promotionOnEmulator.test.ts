import http from 'http';
import { AddressInfo } from 'net';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Emulator, seedDemoFleet } from '@internal/demo-fleet';
import { Knex } from 'knex';
import {
  ACCOUNTS,
  awsClientsIn,
  collectorFor,
  describeWithMoto,
  REGION,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import { LambdaDeployer } from '../aws/LambdaDeployer';
import { AwsLocation, DeployerSource } from '../aws/types';
import { Promotions } from '.';
import { buildPromotions } from './__testUtils__/buildPromotions';
import { demoEntities } from './__testUtils__/fakeLambda';
import {
  deployersOnEmulator,
  promotionConfigOnEmulator,
} from './__testUtils__/emulatorEngine';
import {
  actor,
  migratedSqlite,
  permissionsExcept,
  READER,
  recordingAuditor,
} from './__testUtils__/harness';

const ENTITY = 'component:default/checkout-api';
const PROD = ACCOUNTS.prod;
const STAGING = ACCOUNTS.staging;

describeWithMoto(
  'promotions against the AWS emulator with the demo fleet',
  () => {
    jest.setTimeout(180_000);
    let emulator: Emulator;
    let config: ConfigReader;
    let knex: Knex;
    let smokeServer: http.Server;
    let smokeUrl: string;

    beforeAll(async () => {
      // The credentials manager's and fromTemporaryCredentials' STS calls go to the emulator.
      emulator = await startAwsEmulator();
      await seedDemoFleet({ endpoint: emulator.endpoint });
      config = promotionConfigOnEmulator(emulator.endpoint, {
        smokeCheck: { attempts: 1, timeout: { seconds: 2 } },
      });
      knex = await migratedSqlite();
      // A service whose health endpoint fails.
      smokeServer = http.createServer((_req, res) => {
        res.statusCode = 500;
        res.end('boom');
      });
      await new Promise<void>(resolve =>
        smokeServer.listen(0, '127.0.0.1', resolve),
      );
      smokeUrl = `http://127.0.0.1:${
        (smokeServer.address() as AddressInfo).port
      }/health`;
    });

    afterAll(async () => {
      await knex?.destroy();
      await new Promise(resolve => smokeServer?.close(resolve));
      await emulator?.stop();
    });

    /** Promotions as the backend builds them, with real AWS access through the emulator. */
    function engine(options?: {
      annotations?: Record<string, string>;
      instanceId?: string;
      deployers?: DeployerSource;
      clock?: () => Date;
    }): Promotions {
      return buildPromotions({
        config,
        logger: mockServices.logger.mock(),
        knex,
        auth: mockServices.auth(),
        permissions: permissionsExcept(),
        catalog: catalogServiceMock({
          entities: demoEntities({ annotations: options?.annotations }),
        }),
        auditor: recordingAuditor(),
        collector: collectorFor(config).collector,
        deployers: options?.deployers,
        instanceId: options?.instanceId,
        clock: options?.clock,
        leaseMs: 60_000,
        sourceCacheTtlMs: 0,
      });
    }

    /** What the live alias of checkout-api serves in an account, asked of AWS with the read role. */
    async function liveOf(accountId: string, env: string) {
      const { lambda } = await awsClientsIn(emulator.endpoint, accountId);
      const output = await lambda.send(
        new GetFunctionCommand({
          FunctionName: `shop-checkout-api-${env}`,
          Qualifier: 'live',
        }),
      );
      return {
        version: output.Configuration!.Version!,
        digest: `sha256:${output.Configuration!.CodeSha256}`,
      };
    }

    async function promoteProd(promotions: Promotions) {
      const requested = await promotions.promotions.request(
        { entityRef: ENTITY, targetEnvironment: 'prod' },
        actor('alice'),
      );
      await promotions.promotions.approve(requested.id, {}, actor('bob'));
      await promotions.executor.whenIdle();
      return promotions.promotions.get(requested.id, READER);
    }

    it('promotes checkout-api staging → prod (alice requests, bob approves): prod serves staging’s digest', async () => {
      const staging = await liveOf(STAGING, 'staging');
      const prodBefore = await liveOf(PROD, 'prod');
      expect(prodBefore.digest).not.toBe(staging.digest);

      const promotions = engine();
      const done = await promoteProd(promotions);
      expect(done.status).toBe('succeeded');
      expect(done).toMatchObject({
        digest: staging.digest,
        imageUri: `${PROD}.dkr.ecr.${REGION}.amazonaws.com/checkout-api@${staging.digest}`,
        previousVersion: prodBefore.version,
        executedBy: 'user:default/bob',
      });
      const prodAfter = await liveOf(PROD, 'prod');
      expect(prodAfter).toEqual({
        version: done.publishedVersion,
        digest: staging.digest,
      });

      // Roll back: the version live before is live again.
      const rollback = await promotions.rollbacks.rollback(
        { entityRef: ENTITY, environment: 'prod' },
        actor('alice'),
      );
      expect(rollback).toMatchObject({
        status: 'succeeded',
        fromVersion: prodAfter.version,
        toVersion: prodBefore.version,
      });
      expect(await liveOf(PROD, 'prod')).toEqual(prodBefore);
      promotions.stop();
    });

    it('writes with the account’s write role in a session named after the user', async () => {
      const deployer = await deployersOnEmulator(config).forWrite(
        { accountId: PROD, region: REGION },
        'user:default/bob',
      );
      const lambda = (deployer as unknown as { lambda: LambdaClient }).lambda;
      const credentials = await (
        lambda.config.credentials as () => Promise<{
          accessKeyId: string;
          secretAccessKey: string;
          sessionToken?: string;
        }>
      )();
      const sts = new STSClient({
        region: REGION,
        endpoint: emulator.endpoint,
        credentials,
      });
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(
        `arn:aws:sts::${PROD}:assumed-role/environments-promoter/env-bob@default`,
      );
    });

    it('rolls back automatically when the smoke check answers 500', async () => {
      const prodBefore = await liveOf(PROD, 'prod');
      const promotions = engine({
        annotations: { 'environments.io/smoke-url.prod': smokeUrl },
      });
      const done = await promoteProd(promotions);
      expect(done.status).toBe('rolled-back');
      expect(done.statusReason).toMatch(/answered 500/);
      expect(done.steps.map(s => s.name).slice(-3)).toEqual([
        'verify',
        'smoke-check',
        'rollback-alias',
      ]);
      expect(await liveOf(PROD, 'prod')).toEqual(prodBefore);
      promotions.stop();
    });

    describe('when the backend stops mid-promotion', () => {
      /** Runs a promotion on a first instance that stops right after `method` reached AWS, then a second one. */
      async function interruptAfter(method: 'updateCode' | 'switchAlias') {
        let first: Promotions | undefined = undefined;
        const real = deployersOnEmulator(config);
        const crashing: DeployerSource = {
          forRead: location => real.forRead(location),
          async forWrite(location: AwsLocation, userRef: string) {
            const deployer = await real.forWrite(location, userRef);
            return new Proxy(deployer, {
              get(target, property, receiver) {
                const value = Reflect.get(target, property, receiver);
                if (property !== method || typeof value !== 'function') {
                  return value;
                }
                return async (...args: unknown[]) => {
                  const result = await value.apply(target, args);
                  first!.stop();
                  return result;
                };
              },
            }) as LambdaDeployer;
          },
        };
        first = engine({ instanceId: 'first', deployers: crashing });
        const requested = await promoteProd(first);
        expect(requested.status).toBe('running');
        const later = new Date(Date.now() + 5 * 60_000);
        const second = engine({ instanceId: 'second', clock: () => later });
        await second.sweep();
        const settled = await second.promotions.get(requested.id, READER);
        second.stop();
        return settled;
      }

      it('fails the request safely when only UpdateFunctionCode had run, and live is untouched', async () => {
        const prodBefore = await liveOf(PROD, 'prod');
        const settled = await interruptAfter('updateCode');
        expect(settled.status).toBe('failed');
        expect(settled.statusReason).toMatch(
          new RegExp(
            `^Interrupted after step 'update-function-code' .* Live still serves version ${prodBefore.version}`,
          ),
        );
        expect(await liveOf(PROD, 'prod')).toEqual(prodBefore);
      });

      it('completes the request when the alias had already switched', async () => {
        const staging = await liveOf(STAGING, 'staging');
        const settled = await interruptAfter('switchAlias');
        expect(settled.status).toBe('succeeded');
        expect(settled.statusReason).toMatch(
          /^Resumed after an interruption after step 'switch-alias'/,
        );
        expect((await liveOf(PROD, 'prod')).digest).toBe(staging.digest);
      });
    });
  },
);
