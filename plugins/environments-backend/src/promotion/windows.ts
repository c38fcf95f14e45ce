import { PromotionWindowState } from '@internal/backstage-plugin-environments-common';

/**
 * A period when promotions into an environment are closed: either weekly (days and a time range in a
 * time zone, e.g. Friday 16:00 to Monday 08:00) or once (from / until instants, e.g. a holiday freeze).
 */
export type PromotionWindow =
  | {
      kind: 'weekly';
      /** Days on which the closed range starts, 0 = Sunday … 6 = Saturday. */
      days: number[];
      /** Minutes after local midnight; a range whose end is not after its start runs past midnight. */
      start: number;
      end: number;
      timeZone: string;
      reason: string;
    }
  | { kind: 'once'; from: Date; until: Date; reason: string };

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** `mon`, `Monday`, … → 1; undefined when not a day name. */
export function parseDayName(name: string): number | undefined {
  const index = DAY_NAMES.indexOf(name.trim().toLowerCase().slice(0, 3));
  return index === -1 ? undefined : index;
}

/** `HH:MM` (00:00 to 24:00) → minutes after midnight; undefined when malformed. */
export function parseClockTime(value: string): number | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minutes <= 24 * 60 ? minutes : undefined;
}

/** Whether `timeZone` is an IANA time zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    return Boolean(
      new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone,
    );
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local weekday (0 = Sunday) and minutes after midnight of an instant in a time zone. */
function localTime(
  at: Date,
  timeZone: string,
): { day: number; minutes: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(
    formatter.formatToParts(at).map(p => [p.type, p.value]),
  );
  return {
    day: parseDayName(parts.weekday)!,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function isWithin(window: PromotionWindow, at: Date): boolean {
  if (window.kind === 'once') {
    return at >= window.from && at < window.until;
  }
  const { day, minutes } = localTime(at, window.timeZone);
  if (window.end > window.start) {
    return (
      window.days.includes(day) &&
      minutes >= window.start &&
      minutes < window.end
    );
  }
  // Past midnight: from start on a listed day, or before end on the day after one.
  const yesterday = (day + 6) % 7;
  return (
    (window.days.includes(day) && minutes >= window.start) ||
    (window.days.includes(yesterday) && minutes < window.end)
  );
}

const MINUTE = 60_000;
/** Far enough to cross any weekly window and the next one that may continue it. */
const SEARCH_LIMIT_MINUTES = 15 * 24 * 60;

/**
 * Whether promotions are closed at `at`, why, and until when (the first minute no window covers,
 * found by walking forward minute by minute, so adjacent windows and time-zone changes are respected).
 */
export function evaluateWindows(
  windows: PromotionWindow[],
  at: Date,
): PromotionWindowState {
  const closing = windows.find(window => isWithin(window, at));
  if (!closing) {
    return { closed: false };
  }
  const first = Math.floor(at.getTime() / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < SEARCH_LIMIT_MINUTES; i++) {
    const probe = new Date(first + i * MINUTE);
    if (!windows.some(window => isWithin(window, probe))) {
      return {
        closed: true,
        reason: closing.reason,
        until: probe.toISOString(),
      };
    }
  }
  return { closed: true, reason: closing.reason };
}
