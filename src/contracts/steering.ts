// Steering's strength scale and the steering control's values, shared by the experiments, the
// served endpoint, the extension's setting and the sidebar: α is a fraction of the mean residual
// norm at the layer (the research's convention), and beyond ALPHA_LIMIT text turns into nonsense.
export const ALPHA_LIMIT = 0.2;

export const STEERING_EMOTIONS = ['off', 'calm', 'desperate'] as const;
export type SteeringEmotion = (typeof STEERING_EMOTIONS)[number];

/** What the steering control asks of the served model: an emotion at +α, or off. */
export interface SteeringSetting {
  emotion: SteeringEmotion;
  alpha: number;
}

/** The setting's default: unsteered, with the research's larger α ready for when it is switched on. */
export const DEFAULT_STEERING: SteeringSetting = { emotion: 'off', alpha: 0.1 };

/** The setting from untrusted values (settings.json, the webview), or null when out of range. */
export function steeringSetting(emotion: unknown, alpha: unknown): SteeringSetting | null {
  if (typeof emotion !== 'string' || !(STEERING_EMOTIONS as readonly string[]).includes(emotion)) return null;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= ALPHA_LIMIT)) return null;
  return { emotion: emotion as SteeringEmotion, alpha };
}
