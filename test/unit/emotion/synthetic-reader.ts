// A synthetic activation source with known emotion directions, so calibration's math can be
// checked independently of any model: each story token carries its emotion's planted direction
// (after a warm-up), every token carries strong "topic" noise along a few shared directions
// that the neutral dialogues also carry, plus isotropic noise.
import type { ActivationSource, LayerActivations } from '../../../src/emotion/calibrate';
import type { Corpus, DialogueMessage, EmotionSpec, NeutralDialogue, Story } from '../../../src/corpus/format';
import type { AgentTurnSource, ValidationTurn } from '../../../src/emotion/report-card';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

function unit(r: () => number, d: number): Float32Array {
  const v = Float32Array.from({ length: d }, () => gaussian(r));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export interface SyntheticWorld {
  corpus: Corpus;
  reader: ActivationSource;
  planted: Map<string, Float32Array>;
  /** Shared "topic" directions every text carries (neutral dialogues too). */
  confounds: Float32Array[];
}

export function syntheticWorld(opts: {
  emotions: string[];
  hidden: number;
  layers: number;
  storiesPerEmotion: number;
  seed: number;
  signalLayer: number;
}): SyntheticWorld {
  const r = rng(opts.seed);
  const { hidden } = opts;
  const planted = new Map(opts.emotions.map((e) => [e, unit(r, hidden)]));
  const confounds = [unit(r, hidden), unit(r, hidden), unit(r, hidden)];
  const specs: EmotionSpec[] = opts.emotions.map((name, i) => ({
    name,
    valence: i % 2 ? '-' : '+',
    arousal: 'high',
    banned: [],
  }));
  const stories: Story[] = [];
  for (const e of opts.emotions)
    for (let k = 0; k < opts.storiesPerEmotion; k++)
      stories.push({
        id: `${e}-${k}`,
        emotion: e,
        topic: `t${k}`,
        setting: 'technical',
        person: 'first',
        split: k % 5 === 0 ? 'heldout' : 'train',
        text: `${e}|${k}|${70 + (k % 30)}`,
        file: 'synthetic',
        line: k,
      });
  const neutral: NeutralDialogue[] = Array.from({ length: 40 }, (_, k) => ({
    id: `n${k}`,
    topic: 'x',
    code: true,
    split: k % 5 === 4 ? 'heldout' : 'train',
    file: 'synthetic',
    line: k,
    messages: [
      { role: 'user', text: `n|${k}|60` },
      { role: 'assistant', text: 'ok' },
    ],
  }));

  // Emotion signal is strongest at signalLayer and fades with distance from it.
  const activations = (
    emotion: string | undefined,
    tokens: number,
    seed: number,
    layers: readonly number[],
    dose = 1,
  ): LayerActivations => {
    const tr = rng(seed);
    const map = new Map<number, Float32Array>();
    for (const l of layers) {
      const strength = 1.5 / (1 + Math.abs(l - opts.signalLayer));
      const data = new Float32Array(tokens * hidden);
      for (let t = 0; t < tokens; t++) {
        const row = data.subarray(t * hidden, (t + 1) * hidden);
        for (let i = 0; i < hidden; i++) row[i] = 0.3 * gaussian(tr) + 0.5;
        for (const c of confounds) {
          const a = 3 * gaussian(tr);
          for (let i = 0; i < hidden; i++) row[i] += a * c[i];
        }
        if (emotion && t >= 20) {
          const v = planted.get(emotion)!;
          for (let i = 0; i < hidden; i++) row[i] += dose * strength * v[i];
        }
      }
      map.set(l, data);
    }
    return { numTokens: tokens, layers: map };
  };
  const parse = (text: string) => {
    const [tag, k, n] = text.split('|');
    return { emotion: planted.has(tag) ? tag : undefined, seed: Number(k) * 7919 + tag.length, tokens: Number(n) };
  };
  const reader: ActivationSource = {
    model: { id: 'synthetic', revision: 'r', fileHash: 'f'.repeat(64), dtype: 'fp32' },
    hiddenSize: hidden,
    numLayers: opts.layers,
    async readText(text, layers) {
      const p = parse(text);
      return activations(p.emotion, p.tokens, p.seed, layers);
    },
    async readConversation(messages: readonly DialogueMessage[], layers) {
      // "dose=N" conversations carry the afraid direction with a strength that grows with N.
      const dose = /^dose=(\d+)$/.exec(messages[0].text);
      if (dose) return activations('afraid', 30, Number(dose[1]), layers, Math.log2(Number(dose[1])));
      const p = parse(messages[0].text);
      return activations(undefined, p.tokens, p.seed + 1, layers);
    },
  };
  return { corpus: { emotions: specs, stories, neutral, parseErrors: [] }, reader, planted, confounds };
}

/**
 * A synthetic agent-turn validation set read through `world`'s geometry: every assistant message
 * carries the shared confound noise; a turn marked pressured carries the planted `desperate`
 * direction, a composed one the planted `calm` direction. With `separating: false` the direction
 * a turn carries is drawn independently of its label. `sessionOffset` shifts a turn and the
 * earlier assistant turn of its context alike along `desperate` by that much × a Gaussian draw
 * (a session that reads high throughout).
 */
export function syntheticAgentTurns(
  world: SyntheticWorld,
  opts: { turns: number; seed: number; separating: boolean; sessionOffset?: number },
): AgentTurnSource {
  const r = rng(opts.seed);
  const hidden = world.confounds[0].length;
  const turns: ValidationTurn[] = Array.from({ length: opts.turns }, (_, k) => {
    const label = k % 2 === 0 ? ('pressured' as const) : ('composed' as const);
    const carries = opts.separating ? label : r() < 0.5 ? 'pressured' : 'composed';
    return {
      id: `t${k}`,
      label,
      split: k % 4 === 3 ? ('tune' as const) : ('report' as const),
      context: [
        { role: 'user' as const, content: 'fix the test' },
        { role: 'assistant' as const, content: `earlier|${k}|composed` },
        { role: 'tool' as const, content: 'FAILED 1 test' },
      ],
      text: `turn|${k}|${carries}`,
    };
  });
  const meanOf = (content: string) => {
    const [, k, carries] = content.split('|');
    const tr = rng(Number(k) * 31 + carries.length);
    const v = Float64Array.from({ length: hidden }, () => 0.5 + 0.3 * gaussian(tr));
    for (const c of world.confounds) {
      const a = 3 * gaussian(tr);
      for (let i = 0; i < v.length; i++) v[i] += a * c[i];
    }
    const planted = world.planted.get(carries === 'pressured' ? 'desperate' : 'calm')!;
    for (let i = 0; i < v.length; i++) v[i] += 1.5 * planted[i];
    const offset = (opts.sessionOffset ?? 0) * gaussian(rng(Number(k) + 7777));
    const desperate = world.planted.get('desperate')!;
    for (let i = 0; i < v.length; i++) v[i] += offset * desperate[i];
    return v;
  };
  return {
    turns,
    read: async (turn) => [
      ...turn.context.map((m) => (m.role === 'assistant' ? meanOf(m.content) : null)),
      meanOf(turn.text),
    ],
  };
}
