// Whether this build can score turns. The sidecar client adds its ScoreSource here when it is
// connected; until then the panel says that turns are shown unscored.
import type { Parts } from './parts';

export function availableParts(): Parts {
  return { createScoreSource: null };
}
