// Times as the panel writes them. No DOM, so it is unit-tested directly.

export function timeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Date and time, e.g. "24 Nov 2026, 14:02". */
export function dateTimeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString([], { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** How long ago, in the largest whole unit: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ageOf(iso: string, now: number): string {
  const seconds = Math.floor((now - new Date(iso).getTime()) / 1000);
  if (Number.isNaN(seconds)) return '';
  if (seconds < 60) return 'just now';
  const [value, unit] =
    seconds < 3600
      ? [Math.floor(seconds / 60), 'min']
      : seconds < 86_400
        ? [Math.floor(seconds / 3600), 'h']
        : [Math.floor(seconds / 86_400), 'day'];
  return `${value} ${unit}${unit === 'day' && value > 1 ? 's' : ''} ago`;
}
