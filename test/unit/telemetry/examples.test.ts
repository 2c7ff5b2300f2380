// The examples in examples/otel/ checked without the programs they are for (neither the
// OpenTelemetry Collector nor Grafana is in the npm registry or Debian's packages): the Grafana
// dashboard has the fields its schema requires and asks only for names Agent Vitals exports; the
// Collector config's pipelines name only components it defines, and use every one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ATTR,
  GEN_AI_AGENT_NAME,
  GEN_AI_CONVERSATION_ID,
  GEN_AI_RESPONSE_MODEL,
  METRIC,
} from '../../../src/telemetry/attributes';

const EXAMPLES = join(__dirname, '../../../examples/otel');

interface Target {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
interface Dashboard {
  title?: string;
  uid?: string;
  schemaVersion?: number;
  templating?: { list: { name: string; type: string; query: string }[] };
  panels?: Panel[];
}

/** As Loki stores OTLP attributes (structured metadata, `.` as `_`) and Prometheus names metrics. */
const lokiName = (attribute: string) => attribute.replace(/\./g, '_');

describe('examples/otel/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(join(EXAMPLES, 'grafana-dashboard.json'), 'utf8')) as Dashboard;
  const panels = dashboard.panels ?? [];

  it('has the fields the dashboard schema requires, unique panel ids and no overlapping panels', () => {
    assert.equal(typeof dashboard.title, 'string');
    assert.equal(typeof dashboard.uid, 'string');
    assert.ok(Number.isInteger(dashboard.schemaVersion));
    assert.ok(panels.length > 0);
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
    const cells = new Set<string>();
    for (const p of panels) {
      assert.ok(p.type && p.title && p.gridPos, `panel ${p.id} lacks type, title or gridPos`);
      const { h, w, x, y } = p.gridPos;
      assert.ok(w > 0 && h > 0 && x >= 0 && y >= 0 && x + w <= 24, `panel ${p.id} is outside the 24-column grid`);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          assert.ok(!cells.has(`${i},${j}`), `panel ${p.id} overlaps another`);
          cells.add(`${i},${j}`);
        }
    }
  });

  it('queries data sources chosen at import, with one query id per target', () => {
    const variables = new Map((dashboard.templating?.list ?? []).map((v) => [`\${${v.name}}`, v]));
    for (const p of panels) {
      const targets = p.targets ?? [];
      assert.ok(targets.length > 0, `panel ${p.id} has no query`);
      assert.equal(new Set(targets.map((t) => t.refId)).size, targets.length);
      for (const source of [p.datasource, ...targets.map((t) => t.datasource)]) {
        const variable = variables.get(source?.uid ?? '');
        assert.equal(variable?.type, 'datasource', `panel ${p.id} names data source ${source?.uid}`);
        assert.equal(variable?.query, source?.type);
      }
    }
  });

  it('names only attributes and metrics Agent Vitals exports, and has the guard panels', () => {
    const attributes = new Set(
      [...Object.values(ATTR), GEN_AI_AGENT_NAME, GEN_AI_CONVERSATION_ID, GEN_AI_RESPONSE_MODEL, METRIC.emotion].map(
        lokiName,
      ),
    );
    // Emotion readings are named per emotion: `agent_vitals_reading_<emotion>_<stat>`.
    const reading = new RegExp(`^${lokiName(ATTR.reading)}_[a-z]+_(mean|p90|max)$`);
    const counters = new Set(
      [METRIC.turns, METRIC.testRuns, METRIC.flags, METRIC.guard].map((m) => `${lokiName(m)}_total`),
    );
    for (const p of panels) {
      for (const { expr = '', datasource } of p.targets ?? []) {
        for (const name of expr.match(/\b(agent_vitals|gen_ai)_[a-z0-9_]+/g) ?? []) {
          if (datasource?.type === 'prometheus' && name.endsWith('_total'))
            assert.ok(counters.has(name), `panel ${p.id} asks for metric ${name}`);
          else assert.ok(attributes.has(name) || reading.test(name), `panel ${p.id} asks for ${name}`);
        }
      }
    }
    const guard = panels.filter((p) => p.targets?.some((t) => t.expr?.includes(lokiName(ATTR.guardTier))));
    assert.deepEqual(
      guard.map((p) => p.title),
      ['Guard decisions by tier over time', 'Guard decisions by kind and tier'],
    );
  });
});

/**
 * The Collector config's components and pipelines, read by indentation: the file uses block
 * mappings and flow lists only (`receivers: [otlp]`), which is all this reads.
 */
function collectorConfig(text: string): {
  components: Map<string, Set<string>>;
  pipelines: Map<string, Record<string, string[]>>;
} {
  const components = new Map<string, Set<string>>();
  const pipelines = new Map<string, Record<string, string[]>>();
  let section = '';
  let pipeline = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const [key, value = ''] = line
      .trim()
      .split(/:(?:\s+|$)/, 2)
      .map((s) => s.trim());
    if (indent === 0) {
      section = key;
      if (section !== 'service') components.set(section, new Set());
    } else if (indent === 2 && section !== 'service') components.get(section)!.add(key);
    else if (section === 'service' && indent === 4) {
      pipeline = key;
      pipelines.set(pipeline, {});
    } else if (section === 'service' && indent === 6 && pipeline) {
      const list = /^\[(.*)\]$/.exec(value);
      assert.ok(list, `pipeline ${pipeline}: ${key} is not a flow list`);
      pipelines.get(pipeline)![key] = list[1].split(',').map((s) => s.trim());
    }
  }
  return { components, pipelines };
}

describe('examples/otel/collector.yaml', () => {
  const { components, pipelines } = collectorConfig(readFileSync(join(EXAMPLES, 'collector.yaml'), 'utf8'));

  it('has a pipeline for each signal Agent Vitals sends, receiving OTLP', () => {
    assert.deepEqual([...pipelines.keys()].sort(), ['logs', 'metrics', 'traces']);
    for (const [name, p] of pipelines) {
      assert.deepEqual(p.receivers, ['otlp'], `${name} receives OTLP`);
      assert.ok(p.exporters?.length, `${name} exports somewhere`);
    }
  });

  it('names only components it defines, and uses every one', () => {
    const used = new Map<string, Set<string>>();
    for (const [name, p] of pipelines) {
      for (const [kind, ids] of Object.entries(p)) {
        for (const id of ids) {
          assert.ok(components.get(kind)?.has(id), `pipeline ${name} names undefined ${kind} ${id}`);
          used.set(kind, (used.get(kind) ?? new Set()).add(id));
        }
      }
    }
    for (const [kind, ids] of components)
      for (const id of ids) assert.ok(used.get(kind)?.has(id), `${kind} ${id} is defined but in no pipeline`);
  });
});
