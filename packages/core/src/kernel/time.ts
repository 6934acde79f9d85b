// Calendar dates and clock times in China (UTC+8, no daylight saving). Policy months, expiry days,
// daily limits, opening hours and the times in notices are Chinese wall-clock time, while the
// servers and schedulers think in UTC. This is the one place that knows the offset.
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The instant moved by the offset, so that its UTC fields (getUTCHours, toISOString) read as
 * China wall-clock time. Only for reading fields: it is not the same instant. */
export const chinaWallClock = (at: Date | string): Date =>
  new Date((typeof at === 'string' ? Date.parse(at) : at.getTime()) + CHINA_OFFSET_MS);

/** The UTC instant (ms) of 00:00 China time on a China calendar date 'YYYY-MM-DD'. */
export const chinaMidnightMs = (date: string): number => Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET_MS;

export const chinaDate = (at: Date): string => chinaWallClock(at).toISOString().slice(0, 10);
export const chinaMonth = (at: Date): string => chinaDate(at).slice(0, 7);
export const chinaHour = (at: Date): number => chinaWallClock(at).getUTCHours();

/** 'MM-DD HH:mm' in China time, as order notices show a slot or a deadline. */
export const chinaMonthDayTime = (at: Date | string): string =>
  chinaWallClock(at).toISOString().slice(5, 16).replace('T', ' ');
