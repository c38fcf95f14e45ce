export { digestCues } from './cues';
export type { DigestCue, DigestCueKind } from './cues';
export { DigestCueList } from './DigestCueList';
export { FreshnessNote } from './FreshnessNote';
export { RelativeTime } from './RelativeTime';
export { ShortDigest } from './ShortDigest';
export { ecrConsoleUrl } from './ecrConsoleUrl';
export { formatAge, formatTimestamp } from './time';
