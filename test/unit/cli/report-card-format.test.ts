import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReportCard } from '../../../src/cli/report-card';
import type { ReportCard } from '../../../src/contracts/report-card';

const card: ReportCard = {
  model: 'some/model',
  layer: 11,
  layerDepth: 0.5,
  layerReason: 'layer 11 of 24',
  emotions: ['desperate', 'calm'],
  chance: 0.5,
  checks: [
    {
      id: 'agent-turns-auroc',
      name: 'agent turns',
      value: 0.7114,
      ci: [0.4971, 0.8992],
      baseline: 0.578,
      threshold: 'lower 95% bound ≥ 0.700',
      verdict: 'warn',
      controls: { shuffledLabels: 0.548, randomDirections: 0.679 },
    },
    {
      id: 'dose-x-calm',
      name: 'dose',
      value: 0.93,
      ci: null,
      baseline: null,
      threshold: 'ρ ≤ −0.6',
      verdict: 'fail',
      controls: null,
      effect: { deltaZ: 0.26, fromDose: 0, toDose: 8 },
      detail: 'Δz +0.26 from 0 to 8',
    },
  ],
  doseCurves: [],
  verdict: 'fail',
  validForLive: false,
  validForLiveReason: 'agent-turn AUROC 0.711: warn',
  references: {
    neutral: { auroc: 0.6, ci: [0.4, 0.8], turns: 20 },
    session: { auroc: 0.7, ci: [0.5, 0.9], turns: 20 },
    advantage: { value: 0.1, ci: [0.02, 0.2] },
    better: 'session',
    why: 'on 20 turns',
  },
  material: { heldOutReport: 140, agentTurns: 28, shuffledSeeds: 10, randomDirections: 200, resamples: 2000 },
};

test('the text report card shows each check with its interval, lexical baseline, controls and verdict', () => {
  const text = formatReportCard(card);
  assert.match(text, /layer 11 \(depth 0\.50\): FAIL/);
  assert.match(text, /Valid for live use: no — agent-turn AUROC 0\.711: warn/);
  assert.match(text, /⚠ agent-turns-auroc\s+0\.711\s+\[0\.497, 0\.899\]\s+0\.578\s+0\.548\s+0\.679/);
  assert.match(text, /✘ dose-x-calm\s+0\.930\s+—\s+—\s+—.*Δz \+0\.26 from 0 to 8/);
  assert.match(text, /within-session reads better \(on 20 turns\)/);
});
