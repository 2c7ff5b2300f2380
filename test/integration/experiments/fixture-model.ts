// An ExperimentModel on a fixture decoder with vectors calibrated here on a reduced corpus (a few
// stories per emotion and a handful of neutral dialogues), so the suite stays fast.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus, type Corpus, type NeutralDialogue } from '../../../src/corpus/format';
import { calibrate } from '../../../src/emotion/calibrate';
import { readVectorFile, writeVectorFile, type EmotionVectorSet } from '../../../src/emotion/vectors';
import { ModelActivationReader } from '../../../src/emotion/model-reader';
import { openExperimentModel, type OpenedExperimentModel } from '../../../src/experiments/open-model';
import { projectRoot } from '../../../src/model-store/model-spec';
import { resolveModel } from '../../../src/model-store/model-store';

export const EMOTIONS = ['desperate', 'calm', 'afraid', 'happy', 'sad', 'frustrated'];

const NEUTRAL_LINES: [string, string][] = [
  ['How do I list the files in a folder with Python?', 'Use os.listdir(path) or pathlib.Path(path).iterdir() to get the entries.'],
  ['What does the --verbose flag of pytest do?', 'It prints one line per test with its name and outcome instead of dots.'],
  ['Can you rename the variable tmp to buffer in this function?', 'Sure. I replaced every use of tmp with buffer; the behaviour is unchanged.'],
  ['Which port does the dev server use?', 'The config sets port 5173; you can change it with the --port option.'],
  ['How many rows does the orders table have?', 'The query SELECT COUNT(*) FROM orders returns 1,204 rows.'],
  ['Please add a docstring to parse_line.', 'Added: """Split one CSV line into fields, honouring quoted commas."""'],
  ['What is the difference between a list and a tuple?', 'A list can be changed after it is created; a tuple cannot.'],
  ['Where is the logging level configured?', 'In settings.py, LOG_LEVEL is read from the environment with INFO as the default.'],
  ['Convert this loop to a list comprehension.', 'squares = [n * n for n in numbers] does the same in one line.'],
  ['What time zone do the timestamps use?', 'They are stored in UTC and converted to local time only for display.'],
  ['How do I run only the parser tests?', 'Run pytest tests/test_parser.py to select that file.'],
  ['Does the build step minify the output?', 'Yes, the production build passes minify: true to the bundler.'],
];

function reducedCorpus(): Corpus {
  const full = loadCorpus(join(projectRoot(), 'vectors'));
  const stories = EMOTIONS.flatMap((e) => {
    const own = full.stories.filter((s) => s.emotion === e);
    return [...own.filter((s) => s.split === 'train').slice(0, 8), ...own.filter((s) => s.split === 'heldout').slice(0, 3)];
  });
  const neutral: NeutralDialogue[] = NEUTRAL_LINES.map(([user, assistant], i) => ({
    id: `neutral-${i}`,
    topic: 'fixture',
    code: true,
    split: i < 10 ? 'train' : 'heldout',
    messages: [
      { role: 'user', text: user },
      { role: 'assistant', text: assistant },
    ],
    file: 'fixture',
    line: i,
  }));
  return { emotions: full.emotions.filter((e) => EMOTIONS.includes(e.name)), stories, neutral, parseErrors: [] };
}

/**
 * Opens `fixture:<name>` with vectors calibrated on the reduced corpus (tokens from 20 on, all
 * layers). Calibration is deterministic, so the test files share one result through a temporary
 * file keyed by the model file and the corpus.
 */
export async function openFixtureExperimentModel(name = 'tiny-qwen2'): Promise<OpenedExperimentModel & { cacheDir: string }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-experiments-'));
  const resolved = await resolveModel(`fixture:${name}`, { dtype: 'fp32', cacheDir, offline: true });
  const probe = await ModelActivationReader.open(`fixture:${name}`, resolved, { layers: [0, 1, 2, 3], cacheDir });
  let vectors: EmotionVectorSet;
  try {
    const corpus = reducedCorpus();
    const key = createHash('sha256').update(probe.model.fileHash).update(JSON.stringify(corpus)).digest('hex').slice(0, 16);
    const shared = join(tmpdir(), `av-experiments-${name}-${key}.avv`);
    if (existsSync(shared)) {
      vectors = readVectorFile(shared, { model: probe.model });
    } else {
      ({ vectors } = await calibrate(corpus, probe, { tokenStart: 20 }));
      writeVectorFile(shared, vectors);
    }
  } finally {
    await probe.release();
  }
  const opened = await openExperimentModel(`fixture:${name}`, resolved, { cacheDir, vectors });
  return { ...opened, cacheDir };
}
