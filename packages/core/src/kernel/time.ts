// Calendar dates in China (UTC+8, no daylight saving). Policy months, expiry days and daily
// limits are Chinese calendar dates, while the servers and schedulers think in UTC.
const CHINA_OFFSET_MS = 8 * 3600_000;

export const chinaDate = (at: Date): string => new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
export const chinaMonth = (at: Date): string => chinaDate(at).slice(0, 7);
export const chinaHour = (at: Date): number => new Date(at.getTime() + CHINA_OFFSET_MS).getUTCHours();
