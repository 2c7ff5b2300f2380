// A turn's summary for one emotion; Node-free so the webviews can share it.
export interface EmotionSummary {
  mean: number;
  p90: number;
  max: number;
}
