import {
  DigestHistoryEntry,
  EnvironmentComparison,
  EnvironmentState,
} from './types';

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
 * Compares an environment with the one before it in promotion order. With C the digest this
 * environment runs, P the digest the previous environment runs, and "first seen" the time a
 * digest first ran in an environment (from its {@link DigestHistoryEntry}):
 *
 * - `sameDigestAsPrevious`: C and P are known and equal.
 * - `unpromotedArtifact`: C is known, appears nowhere in the previous environment's history, and
 *   this environment first ran C after that history begins: the artifact never ran before this
 *   environment (e.g. a hotfix built for it). Nothing is claimed about a digest that was already
 *   running when the previous environment's history begins, nor while it has no history at all.
 * - `promotionPending`: C and P are known, differ, and P is newer than C, where
 *   - if C ran in the previous environment, P is newer when it was first seen there after C was
 *     (so after a rollback here, the previous environment's digest is pending again; after a
 *     rollback there, the older digest it went back to is not);
 *   - if C never ran in the previous environment (a hotfix), P is newer unless this environment
 *     first ran C strictly after the previous environment first ran P (the hotfix supersedes P);
 *   - when the times needed are unknown, P counts as newer: a different digest is worth a look.
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
  const previousHistoryBegins = Math.min(
    ...previous.history
      .map(e => Date.parse(e.firstSeenAt))
      .filter(t => !Number.isNaN(t)),
  );
  const cFirstSeenHere = firstSeen(current.history, c);
  comparison.unpromotedArtifact =
    previous.history.length > 0 &&
    !ranInPrevious &&
    !(cFirstSeenHere !== undefined && cFirstSeenHere <= previousHistoryBegins);
  if (!p || p === c) {
    return comparison;
  }

  const pFirstSeenInPrevious = firstSeen(previous.history, p);
  const cFirstSeen = ranInPrevious
    ? firstSeen(previous.history, c)
    : cFirstSeenHere;
  if (pFirstSeenInPrevious === undefined || cFirstSeen === undefined) {
    comparison.promotionPending = true;
  } else if (ranInPrevious) {
    comparison.promotionPending = pFirstSeenInPrevious > cFirstSeen;
  } else {
    comparison.promotionPending = !(cFirstSeen > pFirstSeenInPrevious);
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
