import {
  DigestHistoryEntry,
  EnvironmentComparison,
  EnvironmentState,
} from '@internal/backstage-plugin-environments-common';

/** One environment of a service as the comparison needs it: what it runs now and what it ran. */
export interface ComparedEnvironment {
  environment: string;
  /** The digest of its live version now; undefined when nothing runs there (or it is unknown). */
  digest?: string;
  /** Every digest that ran there, with when it was first and last seen live. */
  history: DigestHistoryEntry[];
}

function firstSeen(
  history: DigestHistoryEntry[],
  digest: string,
): number | undefined {
  const entry = history.find(e => e.digest === digest);
  const time = entry ? Date.parse(entry.firstSeenAt) : NaN;
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Whether P counts as newer than C by one history: unless C was first seen strictly after P there.
 * Equal or unknown times leave P newer: a different digest is worth a look.
 */
function newerByFirstSeen(
  history: DigestHistoryEntry[],
  p: string,
  c: string,
  cHistory: DigestHistoryEntry[] = history,
): boolean {
  const pTime = firstSeen(history, p);
  const cTime = firstSeen(cHistory, c);
  return pTime === undefined || cTime === undefined || !(cTime > pTime);
}

/**
 * Compares an environment with the one before it in promotion order. With C the digest this
 * environment runs, P the digest the previous environment runs, and "first seen" the time a
 * digest first ran in an environment (from its {@link DigestHistoryEntry}, dated by that
 * environment's own account, e.g. when its version was published):
 *
 * - `sameDigestAsPrevious`: C and P are known and equal.
 * - `unpromotedArtifact`: C is known and appears nowhere in the previous environment's history:
 *   the artifact never ran before this environment (e.g. a hotfix built for it). Nothing is
 *   claimed while the previous environment has no history at all (never collected).
 * - `promotionPending`: C and P are known, differ, and P is newer than C: C was not first seen
 *   strictly after P. Whenever possible this is decided by the order within one environment's
 *   history, never by comparing two accounts' clocks:
 *   - P ran here too: by this environment's history. If P was first seen here after C, this
 *     environment went back from P to the older C (a rollback): P is pending again. If C came
 *     after P here (a hotfix, a newer build), P is not pending.
 *   - P never ran here but C ran in the previous environment: by the previous environment's
 *     history (after a rollback there, the older digest it went back to is not offered).
 *   - Neither (a hotfix here, and a build there that never ran here): the only comparison across
 *     clocks, P's first time there against C's first time here. A hotfix is not replaced by the
 *     older build it fixed, but a build made after it is offered.
 *   - Equal or unknown times count P as newer: a different digest is worth a look.
 */
export function compareWithPrevious(
  current: ComparedEnvironment,
  previous: ComparedEnvironment,
): EnvironmentComparison {
  const { digest: c } = current;
  const { digest: p } = previous;
  const comparison: EnvironmentComparison = {
    previousEnvironment: previous.environment,
    sameDigestAsPrevious: Boolean(c && p && c === p),
    promotionPending: false,
    unpromotedArtifact: false,
  };
  if (!c) {
    return comparison;
  }
  const ranInPrevious = previous.history.some(e => e.digest === c);
  comparison.unpromotedArtifact = previous.history.length > 0 && !ranInPrevious;
  if (!p || p === c) {
    return comparison;
  }

  if (current.history.some(e => e.digest === p)) {
    comparison.promotionPending = newerByFirstSeen(current.history, p, c);
  } else if (ranInPrevious) {
    comparison.promotionPending = newerByFirstSeen(previous.history, p, c);
  } else {
    // The only comparison across two accounts' clocks: P by the previous one, C by this one.
    comparison.promotionPending = newerByFirstSeen(
      previous.history,
      p,
      c,
      current.history,
    );
  }
  return comparison;
}

/**
 * Sets the comparison of every environment with the one before it; `states` must be in promotion
 * order and `histories` maps environment names to their digest history. The first environment
 * gets no comparison.
 */
export function compareEnvironments(
  states: EnvironmentState[],
  histories: Record<string, DigestHistoryEntry[]>,
): EnvironmentState[] {
  const compared = (state: EnvironmentState): ComparedEnvironment => ({
    environment: state.environment,
    digest: state.digest,
    history: histories[state.environment] ?? [],
  });
  return states.map((state, index) => {
    const { comparison: _ignored, ...rest } = state;
    if (index === 0) {
      return rest;
    }
    return {
      ...rest,
      comparison: compareWithPrevious(
        compared(state),
        compared(states[index - 1]),
      ),
    };
  });
}
