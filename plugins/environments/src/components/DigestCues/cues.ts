import { EnvironmentComparison } from '@internal/backstage-plugin-environments-common';

/** The ways an environment's digest relates to the environment before it. */
export type DigestCueKind =
  | 'same-as-previous'
  | 'promotion-pending'
  | 'unpromoted-artifact';

/** A cue as shown to users: a short label for the cell and a sentence for the tooltip. */
export interface DigestCue {
  kind: DigestCueKind;
  label: string;
  description: string;
}

/** Turns an environment's comparison with the one before it into the cues to show, most urgent first. */
export function digestCues(comparison?: EnvironmentComparison): DigestCue[] {
  if (!comparison) {
    return [];
  }
  const previous = comparison.previousEnvironment;
  const cues: DigestCue[] = [];
  if (comparison.unpromotedArtifact) {
    cues.push({
      kind: 'unpromoted-artifact',
      label: `never ran in ${previous}`,
      description: `This digest never ran in ${previous}: it reached this environment outside the promotion path.`,
    });
  }
  if (comparison.promotionPending) {
    cues.push({
      kind: 'promotion-pending',
      label: `${previous} has a newer build`,
      description: `${previous} runs a newer digest that has not been promoted here yet.`,
    });
  }
  if (comparison.sameDigestAsPrevious) {
    cues.push({
      kind: 'same-as-previous',
      label: `= ${previous}`,
      description: `Runs the same digest as ${previous}.`,
    });
  }
  return cues;
}
