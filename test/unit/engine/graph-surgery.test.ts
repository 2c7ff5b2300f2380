// Structural layer detection and probe-graph pruning on the committed fixture graphs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { onnx } from 'onnx-proto';
import { UnsupportedArchitectureError } from '../../../src/engine/graph/errors';
import { readModel } from '../../../src/engine/graph/model-file';
import { buildProbeGraph } from '../../../src/engine/graph/probe-graph';
import { findResidualStream, layerOutputStep } from '../../../src/engine/graph/residual-stream';
import { buildSteerGraph } from '../../../src/engine/graph/steer-graph';

const MODELS = join(__dirname, '..', '..', 'fixtures', 'models');
const optimumQwen = join(MODELS, 'tiny-qwen2', 'onnx', 'model.onnx');
const fusedQwen = join(MODELS, 'tiny-qwen2-fused', 'onnx', 'model.onnx');
const optimumLlama = join(MODELS, 'tiny-llama', 'onnx', 'model.onnx');
const quantizedQwen = join(MODELS, 'tiny-qwen2', 'onnx', 'model_quantized.onnx');
const gqaQwen = join(MODELS, 'tiny-qwen2-gqa', 'onnx', 'model.onnx');
const gqaQwen4Bit = join(MODELS, 'tiny-qwen2-gqa', 'onnx', 'model_q4.onnx');
// Qwen3 normalises queries and keys inside attention; Gemma 3 norms each branch again before its
// residual Add (sandwich norms) and scales the embeddings.
const optimumQwen3 = join(MODELS, 'tiny-qwen3', 'onnx', 'model.onnx');
const optimumGemma3 = join(MODELS, 'tiny-gemma3', 'onnx', 'model.onnx');

describe('residual stream detection', () => {
  for (const [path, layers] of [
    [optimumQwen, 4],
    [optimumLlama, 5],
    [quantizedQwen, 4],
    [optimumQwen3, 4],
    [optimumGemma3, 4],
  ] as const) {
    test(`finds two residual Adds per layer in ${path.split('/models/')[1]}`, () => {
      const graph = readModel(path).graph!;
      const stream = findResidualStream(graph, path);
      assert.equal(stream.numLayers, layers);
      assert.equal(stream.stepsPerLayer, 2);
      assert.ok(stream.steps.every((s) => s.kind === 'add' && s.node.opType === 'Add'));
      // Independent check against the exporter's node names: layer L ends at layers.L/Add_1.
      for (let layer = 0; layer < layers; layer++) {
        assert.equal(layerOutputStep(stream, layer).node.name, `/model/model/layers.${layer}/Add_1`);
      }
    });
  }

  test('finds the fused SkipSimplifiedLayerNormalization chain, whose last node has no sum output', () => {
    const graph = readModel(fusedQwen).graph!;
    const stream = findResidualStream(graph, fusedQwen);
    assert.equal(stream.numLayers, 4);
    assert.equal(stream.stepsPerLayer, 2);
    assert.ok(
      stream.steps.every((s) => s.kind === 'skip-norm' && s.node.opType === 'SkipSimplifiedLayerNormalization'),
    );
    assert.ok(stream.steps.slice(0, -1).every((s) => s.output !== undefined));
    assert.equal(stream.steps.at(-1)!.output, undefined);
  });

  for (const path of [gqaQwen, gqaQwen4Bit]) {
    test(`finds the Skip norm chain around GroupQueryAttention in ${path.split('/models/')[1]}`, () => {
      const graph = readModel(path).graph!;
      const stream = findResidualStream(graph, path);
      assert.equal(stream.numLayers, 4);
      assert.equal(stream.stepsPerLayer, 2);
      assert.ok(stream.steps.every((s) => s.kind === 'skip-norm'));
      // Layer L closes at the next layer's input norm, the last one at the final norm (no sum output).
      for (let layer = 0; layer < 3; layer++)
        assert.equal(layerOutputStep(stream, layer).node.name, `/model/layers.${layer + 1}/input_layernorm`);
      assert.equal(layerOutputStep(stream, 3).node.name, '/model/layers.4/final_norm_layernorm');
      assert.equal(stream.steps.at(-1)!.output, undefined);
    });
  }

  test('detection does not depend on node names', () => {
    const model = readModel(optimumQwen);
    model.graph!.node!.forEach((node, i) => (node.name = `n${i}`));
    const stream = findResidualStream(model.graph!, optimumQwen);
    assert.equal(stream.numLayers, 4);
    assert.equal(stream.steps.length, 8);
  });
});

describe('probe graph', () => {
  for (const path of [optimumQwen, fusedQwen]) {
    test(`keeps nothing above the top probe layer (${path.split('/models/')[1]})`, () => {
      const model = readModel(path);
      const originalNodes = model.graph!.node!.length;
      const { residualOutputs } = buildProbeGraph(model, [0, 1], path);
      const graph = model.graph!;
      assert.deepEqual(residualOutputs, { 0: 'residual.0', 1: 'residual.1' });
      assert.deepEqual(
        graph.output!.map((o) => o.name),
        ['residual.0', 'residual.1', 'present.0.key', 'present.0.value', 'present.1.key', 'present.1.value'],
      );
      assert.ok(graph.node!.length < originalNodes);
      // The remaining graph is a 2-layer decoder: its residual chain stops at layer 1.
      const stream = findResidualStream(graph, path);
      assert.equal(stream.numLayers, 2);
      assert.equal(stream.steps.length, 4);
      // Nothing of layers 2–3, the final norm or the LM head survives (checked by the exporter's names).
      const above = graph.node!.filter((n) => /layers\.[23]\/|\/model\/model\/norm\/|lm_head/.test(n.name ?? ''));
      assert.deepEqual(
        above.map((n) => n.name),
        [],
      );
      assert.ok(!graph.input!.some((i) => /past_key_values\.[23]\./.test(i.name ?? '')));
      const logitsWeight = (graph.initializer ?? []).filter(
        (t) => t.dims?.length === 2 && Number(t.dims[0]) === 512 && Number(t.dims[1]) === 64,
      );
      assert.ok(logitsWeight.length <= 1, 'at most the embedding table remains');
    });
  }

  for (const path of [gqaQwen, gqaQwen4Bit]) {
    test(`cuts a GroupQueryAttention graph above the top probe layer (${path.split('/models/')[1]})`, () => {
      const model = readModel(path);
      const before = model.graph!.node!.filter((n) => n.opType === 'MatMulNBits').length;
      buildProbeGraph(model, [0, 1], path);
      const graph = model.graph!;
      assert.deepEqual(
        graph.output!.map((o) => o.name),
        ['residual.0', 'residual.1', 'present.0.key', 'present.0.value', 'present.1.key', 'present.1.value'],
      );
      assert.deepEqual(
        graph.input!.map((i) => i.name),
        [
          'input_ids',
          'attention_mask',
          'past_key_values.0.key',
          'past_key_values.0.value',
          'past_key_values.1.key',
          'past_key_values.1.value',
        ],
      );
      assert.equal(graph.node!.filter((n) => n.opType === 'GroupQueryAttention').length, 2);
      assert.deepEqual(
        graph
          .node!.filter((n) => /final_norm|lm_head|layers\.[23]\/attn|layers\.[23]\/mlp/.test(n.name ?? ''))
          .map((n) => n.name),
        [],
      );
      // 4-bit: 7 MatMulNBits per layer plus the LM head before, 7 per kept layer after.
      if (before > 0)
        assert.deepEqual([before, graph.node!.filter((n) => n.opType === 'MatMulNBits').length], [4 * 7 + 1, 2 * 7]);
    });
  }

  test('exposes the last layer of a fused graph by adding the missing sum output', () => {
    const model = readModel(fusedQwen);
    buildProbeGraph(model, [3], fusedQwen);
    const skips = model.graph!.node!.filter((n) => n.opType === 'SkipSimplifiedLayerNormalization');
    assert.equal(skips.length, 8);
    assert.equal(skips.at(-1)!.output![3], 'residual.3.sum');
  });

  test('casts fp16 residuals to float32 outputs', () => {
    const path = join(MODELS, 'tiny-llama', 'onnx', 'model_fp16.onnx');
    const model = readModel(path);
    buildProbeGraph(model, [2], path);
    const cast = model.graph!.node!.find((n) => n.output?.[0] === 'residual.2')!;
    assert.equal(cast.opType, 'Cast');
    assert.equal(Number(cast.attribute![0]!.i), onnx.TensorProto.DataType.FLOAT);
    assert.equal(model.graph!.output![0]!.type!.tensorType!.elemType, onnx.TensorProto.DataType.FLOAT);
  });

  test('rejects layers the model does not have', () => {
    const model = readModel(optimumQwen);
    assert.throws(() => buildProbeGraph(model, [4], optimumQwen), /Layer 4 does not exist/);
  });
});

describe('steer graph', () => {
  test('adds one float32 steering input per layer and keeps the logits', () => {
    const model = readModel(optimumQwen);
    buildSteerGraph(model, [1, 2], optimumQwen);
    const inputs = model.graph!.input!.map((i) => i.name);
    assert.ok(inputs.includes('steer.1') && inputs.includes('steer.2'));
    assert.equal(model.graph!.output![0]!.name, 'logits');
  });

  test('runs the LM head on the last position only: a prompt pass returns one row of logits', () => {
    for (const path of [optimumQwen, gqaQwen, gqaQwen4Bit]) {
      const model = readModel(path);
      buildSteerGraph(model, [1], path);
      const graph = model.graph!;
      const producer = (tensor: string) => graph.node!.find((n) => n.output!.includes(tensor))!;
      // The GQA layout passes the head's output through an Identity.
      let head = producer('logits');
      if (head.opType === 'Identity') head = producer(head.input![0]!);
      const slice = producer(head.input![0]!);
      assert.equal(slice.opType, 'Slice', path);
      const value = (name: string) => {
        const tensor = graph.initializer!.find((t) => t.name === name)!;
        return Number(tensor.int64Data![0]);
      };
      const [, starts, , axes] = slice.input!;
      assert.deepEqual([value(starts!), value(axes!)], [-1, 1], path);
      // Everything else that read the hidden states still reads all of them.
      assert.ok(graph.node!.indexOf(slice) < graph.node!.indexOf(head), 'the slice runs before the head');
    }
  });

  test('steers a fused graph through the skip norms’ bias input', () => {
    const model = readModel(fusedQwen);
    buildSteerGraph(model, [0], fusedQwen);
    const stream = findResidualStream(model.graph!, fusedQwen);
    assert.equal(layerOutputStep(stream, 0).node.input![3], 'steer.0');
  });

  test('steers a GroupQueryAttention graph through the closing skip norm’s bias input', () => {
    const model = readModel(gqaQwen);
    buildSteerGraph(model, [1], gqaQwen);
    const stream = findResidualStream(model.graph!, gqaQwen);
    assert.equal(layerOutputStep(stream, 1).node.input![3], 'steer.1');
    assert.equal(model.graph!.output![0]!.name, 'logits');
  });
});

describe('unsupported graphs', () => {
  test('a graph without a KV cache is named as such', () => {
    const model = readModel(optimumQwen);
    model.graph!.output = model.graph!.output!.filter((o) => o.name === 'logits');
    assert.throws(
      () => findResidualStream(model.graph!, 'm.onnx'),
      (e: unknown) => e instanceof UnsupportedArchitectureError && /KV-cache outputs/.test(e.message),
    );
  });

  test('a graph without a residual chain is named as such', () => {
    const graph = onnx.GraphProto.create({
      node: [onnx.NodeProto.create({ opType: 'Relu', input: ['x'], output: ['present.0.key'] })],
      input: [onnx.ValueInfoProto.create({ name: 'x' })],
      output: [onnx.ValueInfoProto.create({ name: 'present.0.key' })],
    });
    assert.throws(
      () => findResidualStream(graph, 'relu.onnx'),
      (e: unknown) => e instanceof UnsupportedArchitectureError && /residual/.test(e.message),
    );
  });

  test('a chain that does not divide into the layer count is rejected', () => {
    const model = readModel(optimumQwen);
    // Drop one layer's KV outputs: 8 residual updates do not split evenly over 3 layers.
    model.graph!.output = model.graph!.output!.filter((o) => !/^present\.3\./.test(o.name ?? ''));
    assert.throws(() => findResidualStream(model.graph!, 'm.onnx'), UnsupportedArchitectureError);
  });
});
