import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExperimentPanelViewMessage } from '../../../src/contracts/experiment-panel-protocol';

test('a panel may ask to run a declared experiment with a parameter object', () => {
  assert.deepEqual(
    parseExperimentPanelViewMessage({ type: 'run', request: { name: 'streak', params: { maxFailures: 4 } } }),
    {
      type: 'run',
      request: { name: 'streak', params: { maxFailures: 4 } },
    },
  );
  assert.deepEqual(parseExperimentPanelViewMessage({ type: 'run', request: { name: 'report-card' } }), {
    type: 'run',
    request: { name: 'report-card', params: undefined },
  });
});

test('a run request for an undeclared experiment, or with parameters that are not an object, is dropped', () => {
  for (const request of [
    { name: 'format-disk' },
    { name: 'toString' },
    { name: 'score', params: ['text'] },
    { name: 'score', params: 'text' },
    'score',
    null,
    undefined,
  ]) {
    assert.equal(parseExperimentPanelViewMessage({ type: 'run', request }), undefined, JSON.stringify(request));
  }
  // The earlier message shape (parameters without the experiment's name) is no longer accepted.
  assert.equal(parseExperimentPanelViewMessage({ type: 'run', params: { maxFailures: 4 } }), undefined);
});
