// The agent-turn check on a real ONNX model, end to end (tokenizer, chat template, KV-cached
// live reading, calibration, report card): a direction planted in the embeddings of words that
// mark pressured turns — and desperate stories — passes the check; the same model fails it when
// the words are spread over the turns independently of their labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Corpus, NeutralDialogue, Story } from '../../../src/corpus/format';
import { calibrate } from '../../../src/emotion/calibrate';
import { LoadedModel } from '../../../src/model/loaded-model';
import { runReportCard, type AgentTurnSource, type ValidationTurn } from '../../../src/emotion/report-card';
import { readAssistantMeans } from '../../../src/transcript-pipeline/turn-scorer';
import { turnConversation } from '../../../src/transcript-pipeline/validation-turns';
import { resolveModel } from '../../../src/model-store/model-store';
import { CONTROL, PLANTED, plantedModel, plantedText, rng } from './planted-model';

// Small enough that random directions, which see the planted shift only through their small
// overlap with it, do not separate the turns too.
const PLANT_SCALE = 3;

test('a planted direction that separates the validation set passes the agent-turn check; shuffled, it fails', async () => {
  const { folder } = await plantedModel(PLANT_SCALE);
  const emotions = ['desperate', 'calm', 'happy', 'sad'];
  const stories: Story[] = emotions.flatMap((e, ei) =>
    Array.from({ length: 16 }, (_, k) => ({
      id: `${e}-${k}`,
      emotion: e,
      topic: `t${k}`,
      setting: 'technical' as const,
      person: 'first' as const,
      split: k % 4 === 0 ? ('heldout' as const) : ('train' as const),
      text: plantedText(ei * 100 + k + 1, e === 'desperate' ? PLANTED : CONTROL),
      file: 'planted',
      line: k,
    })),
  );
  const neutral: NeutralDialogue[] = Array.from({ length: 20 }, (_, k) => ({
    id: `n${k}`,
    topic: 'x',
    code: true,
    split: k % 5 === 4 ? 'heldout' : 'train',
    file: 'planted',
    line: k,
    messages: [
      { role: 'user', text: plantedText(1000 + k, null) },
      { role: 'assistant', text: plantedText(2000 + k, null) },
    ],
  }));
  const corpus: Corpus = {
    emotions: emotions.map((name, i) => ({ name, valence: i % 2 ? '-' : '+', arousal: 'low', banned: [] })),
    stories,
    neutral,
    parseErrors: [],
  };

  const resolved = await resolveModel(folder);
  const model = await LoadedModel.open(folder, resolved, {
    layers: [0, 1, 2, 3],
    threads: 2,
    cacheDir: mkdtempSync(join(tmpdir(), 'av-planted-turns-')),
  });
  const reader = model.activationSource();
  try {
    const { vectors } = await calibrate(corpus, reader, { tokenStart: 20 });
    const layer = vectors.header.choice.layer;
    // Pressured turns carry the planted words, composed ones control words; with `separating`
    // off, which words a turn carries is drawn independently of its label.
    const source = (separating: boolean): AgentTurnSource => {
      const r = rng(99);
      const turns: ValidationTurn[] = Array.from({ length: 40 }, (_, k) => {
        const label = k % 2 ? ('composed' as const) : ('pressured' as const);
        const carries = separating ? label === 'pressured' : r() < 0.5;
        return {
          id: `t${k}`,
          label,
          split: 'report',
          context: [
            { role: 'user', content: plantedText(3000 + k, null, 30) },
            { role: 'tool', content: plantedText(4000 + k, null, 30) },
          ],
          text: plantedText(5000 + k, carries ? PLANTED : CONTROL, 60, 4),
        };
      });
      return {
        turns,
        read: (turn) =>
          readAssistantMeans(
            turnConversation(turn),
            { encoder: model.probe, tokenizer: model.tokenizer, contextLimit: 512 },
            layer,
          ),
      };
    };
    const options = { shuffledSeeds: 5, randomDirections: 100, resamples: 1000 };
    const planted = await runReportCard(corpus, reader, vectors, [], source(true), options);
    const check = (card: typeof planted) => card.checks.find((c) => c.id === 'agent-turns-auroc')!;
    assert.equal(check(planted).verdict, 'pass', JSON.stringify(check(planted)));
    assert.equal(planted.validForLive, true, planted.validForLiveReason);

    const shuffled = await runReportCard(corpus, reader, vectors, [], source(false), options);
    assert.notEqual(check(shuffled).verdict, 'pass', JSON.stringify(check(shuffled)));
    assert.equal(shuffled.validForLive, false);
  } finally {
    await model.release();
  }
});
