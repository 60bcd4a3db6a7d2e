// How the demo banner says when the next reset happens: "in 3 hours (03:00)", in the viewer's
// own time zone and clock format.

/** A human phrase for the time left until `next`, seen at `now`. */
export function timeUntil(next: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((next.getTime() - now.getTime()) / 60_000));
  if (minutes < 1) return 'in a moment';
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `in ${hours} hour${hours === 1 ? '' : 's'}`;
}

/** "in 5 hours (03:00)": relative, then the local clock time. */
export function describeReset(next: Date, now: Date, locale?: string, timeZone?: string): string {
  const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(next);
  return `${timeUntil(next, now)} (${clock})`;
}
