// Peak resident memory of this process. getrusage's maxRSS keeps the parent's peak across
// fork+exec on Linux (a freshly forked sidecar would report the extension host's size), so read
// the kernel's per-address-space high-water mark where it exists.
import { readFileSync } from 'node:fs';

export function peakRssBytes(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // Not Linux: fall back below.
  }
  return process.resourceUsage().maxRSS * 1024;
}
