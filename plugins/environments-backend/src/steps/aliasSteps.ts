import { shortDigest } from '@internal/backstage-plugin-environments-common';
import { LiveAliasState } from '../aws/LambdaDeployer';
import { FunctionChange, Step, writerOf } from './Step';
import { StepFailedError } from './StepRecorder';

/** Where a switch points `live`, guarded by what it must still serve (the version, the alias revision). */
export interface AliasSwitch {
  version: string;
  /** Extra versions and their share of the traffic; empty ends a traffic shift. */
  routing?: Record<string, number>;
  expectedVersion?: string;
  expectedRevisionId?: string;
}

/**
 * The one step that changes what `live` serves (UpdateAlias, guarded by the revision it expects), for
 * promotions, their traffic shifts, and rollbacks. Names: `switch-alias`, `shift-traffic` (a share of
 * the traffic), `rollback-alias` (back after a failed promotion). Recovery knows each by its name.
 */
export function switchAliasStep<S extends FunctionChange>(options: {
  name?: 'switch-alias' | 'shift-traffic' | 'rollback-alias';
  to(state: S): AliasSwitch;
  intent(state: S, to: AliasSwitch): string;
  detail(state: S, alias: LiveAliasState, to: AliasSwitch): string;
  /** After it went through, e.g. to keep the revision the next switch expects. */
  switched?(state: S, alias: LiveAliasState): void;
}): Step<S> {
  return {
    name: options.name ?? 'switch-alias',
    intent: state => options.intent(state, options.to(state)),
    async act(state) {
      const to = options.to(state);
      const alias = await writerOf(state).switchAlias(state.functionName, {
        ...to,
        routing: to.routing ?? {},
      });
      options.switched?.(state, alias);
      return { detail: options.detail(state, alias, to) };
    },
  };
}

/** What `live` must serve after a switch. */
export interface ExpectedLive {
  version: string;
  digest: string;
}

/** Step `verify`: asks Lambda (GetFunction on `live`) whether live serves the expected version and digest. */
export function verifyLiveStep<S extends FunctionChange>(
  expected: (state: S) => ExpectedLive,
): Step<S> {
  return {
    name: 'verify',
    intent: state =>
      `GetFunction ${state.functionName}:live must serve ${shortDigest(
        expected(state).digest,
      )}`,
    async act(state) {
      const { version, digest } = expected(state);
      const live = await writerOf(state).getVersion(state.functionName, 'live');
      if (live?.digest !== digest || live.version !== version) {
        throw new StepFailedError(
          `live serves version ${live?.version} (${
            live?.digest ?? 'unknown digest'
          }), expected version ${version} (${digest})`,
        );
      }
      return { detail: `live serves version ${version} with ${digest}` };
    },
  };
}
