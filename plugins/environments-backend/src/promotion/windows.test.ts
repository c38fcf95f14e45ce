import { evaluateWindows, PromotionWindow } from './windows';

const weekendFreeze: PromotionWindow = {
  kind: 'weekly',
  // Friday 16:00 to Monday 08:00, Berlin time: starts Friday, then all of Saturday and Sunday.
  days: [5],
  start: 16 * 60,
  end: 24 * 60,
  timeZone: 'Europe/Berlin',
  reason: 'Weekend freeze',
};
const weekendDays: PromotionWindow = {
  kind: 'weekly',
  days: [6, 0],
  start: 0,
  end: 24 * 60,
  timeZone: 'Europe/Berlin',
  reason: 'Weekend freeze',
};
const mondayMorning: PromotionWindow = {
  kind: 'weekly',
  days: [1],
  start: 0,
  end: 8 * 60,
  timeZone: 'Europe/Berlin',
  reason: 'Weekend freeze',
};

describe('promotion windows', () => {
  it('is open when no window covers the instant', () => {
    // Wednesday 2026-11-25 12:00 UTC.
    expect(
      evaluateWindows([weekendFreeze], new Date('2026-11-25T12:00:00Z')),
    ).toEqual({ closed: false });
  });

  it('is closed inside a weekly window, in the window’s time zone, and says until when', () => {
    // Friday 2026-11-27 15:30 UTC is 16:30 in Berlin (CET, UTC+1).
    const state = evaluateWindows(
      [weekendFreeze, weekendDays, mondayMorning],
      new Date('2026-11-27T15:30:00Z'),
    );
    expect(state).toEqual({
      closed: true,
      reason: 'Weekend freeze',
      // Monday 08:00 Berlin = 07:00 UTC: adjacent windows count as one closed period.
      until: '2026-11-30T07:00:00.000Z',
    });
  });

  it('is still open just before the window starts in its time zone', () => {
    // Friday 14:59 UTC is 15:59 in Berlin.
    expect(
      evaluateWindows([weekendFreeze], new Date('2026-11-27T14:59:00Z')).closed,
    ).toBe(false);
  });

  it('handles a range past midnight: from start on the listed day until end on the next', () => {
    const nightly: PromotionWindow = {
      kind: 'weekly',
      days: [1, 2, 3, 4, 5],
      start: 22 * 60,
      end: 6 * 60,
      timeZone: 'UTC',
      reason: 'Nightly batch',
    };
    // Tuesday 2026-11-24 23:00 and Wednesday 05:59 are closed; Wednesday 06:00 is open.
    expect(
      evaluateWindows([nightly], new Date('2026-11-24T23:00:00Z')).closed,
    ).toBe(true);
    expect(
      evaluateWindows([nightly], new Date('2026-11-25T05:59:00Z')),
    ).toEqual({
      closed: true,
      reason: 'Nightly batch',
      until: '2026-11-25T06:00:00.000Z',
    });
    expect(
      evaluateWindows([nightly], new Date('2026-11-25T06:00:00Z')).closed,
    ).toBe(false);
    // Sunday night is not listed: Monday 03:00 is open.
    expect(
      evaluateWindows([nightly], new Date('2026-11-30T03:00:00Z')).closed,
    ).toBe(false);
  });

  it('closes for a one-off period from its start until its end', () => {
    const holidays: PromotionWindow = {
      kind: 'once',
      from: new Date('2026-12-20T00:00:00Z'),
      until: new Date('2027-01-04T00:00:00Z'),
      reason: 'Holiday freeze',
    };
    expect(
      evaluateWindows([holidays], new Date('2026-12-19T23:59:00Z')).closed,
    ).toBe(false);
    expect(
      evaluateWindows([holidays], new Date('2027-01-03T12:00:00Z')),
    ).toEqual({
      closed: true,
      reason: 'Holiday freeze',
      until: '2027-01-04T00:00:00.000Z',
    });
  });
});
