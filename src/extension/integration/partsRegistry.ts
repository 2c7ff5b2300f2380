// Which parts this build contains. Each part adds its implementation here when it lands; an
// absent part is shown to the user as such ("sidecar not running", no watcher for an agent).
import type { Parts } from './parts';

export function availableParts(): Parts {
  return { createFlagFeed: null };
}
