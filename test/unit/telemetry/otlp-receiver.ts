// An OTLP/HTTP receiver on 127.0.0.1 for tests: it accepts /v1/logs, /v1/metrics and /v1/traces in protobuf
// (read with the OpenTelemetry transformer's wire reader) or JSON, and normalises both into the
// same plain records so one assertion covers either protocol.
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { ProtobufReader } from '@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader';

export type Value = string | number | boolean | Value[];
export interface ReceivedLog {
  eventName: string;
  timeMs: number;
  body?: Value;
  attributes: Record<string, Value>;
  /** The span the record belongs to, as hex ids. */
  traceId?: string;
  spanId?: string;
}
export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** OTLP's SpanKind number (1 internal). */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, Value>;
  /** OTLP's status code (0 unset, 2 error). */
  status: number;
}
export interface ReceivedPoint {
  attributes: Record<string, Value>;
  /** A sum's value, or a histogram's count. */
  value: number;
}
export interface Received {
  resources: Record<string, Value>[];
  logs: ReceivedLog[];
  spans: ReceivedSpan[];
  metrics: Map<string, ReceivedPoint[]>;
  contentTypes: Set<string>;
  headers: Record<string, string | string[] | undefined>[];
}

// ---- protobuf: a message as its fields, each field as its raw values in order ----
type Raw = number | bigint | Uint8Array;
function fields(buf: Uint8Array): Map<number, Raw[]> {
  const reader = new ProtobufReader(buf);
  const out = new Map<number, Raw[]>();
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  while (!reader.isAtEnd()) {
    const { fieldNumber, wireType } = reader.readTag();
    let value: Raw;
    if (wireType === 0) value = reader.readVarint();
    else if (wireType === 2) value = reader.readBytes();
    else if (wireType === 1) {
      value = view.getBigUint64(reader.pos, true);
      reader.skip(wireType);
    } else {
      value = view.getUint32(reader.pos, true);
      reader.skip(wireType);
    }
    out.set(fieldNumber, [...(out.get(fieldNumber) ?? []), value]);
  }
  return out;
}
const bytes = (m: Map<number, Raw[]>, f: number) => (m.get(f) ?? []) as Uint8Array[];
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const hex = (b: Uint8Array | undefined) => (b && b.length ? Buffer.from(b).toString('hex') : undefined);
const nanosToMs = (v: Raw | undefined) => Number((v as bigint) / 1_000_000n);
const asDouble = (v: bigint) => new DataView(new BigUint64Array([v]).buffer).getFloat64(0, true);

function pbAnyValue(buf: Uint8Array): Value {
  const m = fields(buf);
  if (m.has(1)) return text(m.get(1)![0] as Uint8Array);
  if (m.has(2)) return m.get(2)![0] === 1;
  if (m.has(3)) return m.get(3)![0] as number;
  if (m.has(4)) return asDouble(m.get(4)![0] as bigint);
  if (m.has(5)) return bytes(fields(m.get(5)![0] as Uint8Array), 1).map(pbAnyValue);
  throw new Error('unexpected AnyValue');
}
function pbAttributes(list: Uint8Array[]): Record<string, Value> {
  return Object.fromEntries(
    list.map((kv) => {
      const m = fields(kv);
      return [text(bytes(m, 1)[0]), pbAnyValue(bytes(m, 2)[0])];
    }),
  );
}
function pbResource(buf: Uint8Array | undefined): Record<string, Value> {
  return buf ? pbAttributes(bytes(fields(buf), 1)) : {};
}

function decodeProtobufLogs(buf: Uint8Array, into: Received): void {
  for (const rl of bytes(fields(buf), 1)) {
    const m = fields(rl);
    into.resources.push(pbResource(bytes(m, 1)[0]));
    for (const sl of bytes(m, 2)) {
      for (const lr of bytes(fields(sl), 2)) {
        const r = fields(lr);
        const log: ReceivedLog = {
          eventName: text(bytes(r, 12)[0] ?? new Uint8Array()),
          timeMs: nanosToMs(r.get(1)?.[0]),
          attributes: pbAttributes(bytes(r, 6)),
        };
        if (r.has(5)) log.body = pbAnyValue(bytes(r, 5)[0]);
        const traceId = hex(bytes(r, 9)[0]);
        if (traceId) Object.assign(log, { traceId, spanId: hex(bytes(r, 10)[0]) });
        into.logs.push(log);
      }
    }
  }
}

function decodeProtobufTraces(buf: Uint8Array, into: Received): void {
  for (const rs of bytes(fields(buf), 1)) {
    const m = fields(rs);
    into.resources.push(pbResource(bytes(m, 1)[0]));
    for (const ss of bytes(m, 2)) {
      for (const sp of bytes(fields(ss), 2)) {
        // Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 7 start, 8 end, 9 attributes, 15 status.
        const s = fields(sp);
        const span: ReceivedSpan = {
          name: text(bytes(s, 5)[0]),
          traceId: hex(bytes(s, 1)[0])!,
          spanId: hex(bytes(s, 2)[0])!,
          kind: Number(s.get(6)?.[0] ?? 0),
          startMs: nanosToMs(s.get(7)?.[0]),
          endMs: nanosToMs(s.get(8)?.[0]),
          attributes: pbAttributes(bytes(s, 9)),
          // Status: 3 code.
          status: Number(fields(bytes(s, 15)[0] ?? new Uint8Array()).get(3)?.[0] ?? 0),
        };
        const parent = hex(bytes(s, 4)[0]);
        if (parent) span.parentSpanId = parent;
        into.spans.push(span);
      }
    }
  }
}

function decodeProtobufMetrics(buf: Uint8Array, into: Received): void {
  for (const rm of bytes(fields(buf), 1)) {
    const m = fields(rm);
    into.resources.push(pbResource(bytes(m, 1)[0]));
    for (const sm of bytes(m, 2)) {
      for (const metric of bytes(fields(sm), 2)) {
        const mm = fields(metric);
        const points: ReceivedPoint[] = [];
        // Sum (7): NumberDataPoint {7 attributes, 4 as_double, 6 as_int}; Histogram (9): {9 attributes, 4 count}.
        for (const p of bytes(fields(bytes(mm, 7)[0] ?? new Uint8Array()), 1)) {
          const pm = fields(p);
          points.push({
            attributes: pbAttributes(bytes(pm, 7)),
            value: pm.has(6) ? Number(pm.get(6)![0] as bigint) : asDouble(pm.get(4)![0] as bigint),
          });
        }
        for (const p of bytes(fields(bytes(mm, 9)[0] ?? new Uint8Array()), 1)) {
          const pm = fields(p);
          points.push({ attributes: pbAttributes(bytes(pm, 9)), value: Number(pm.get(4)![0] as bigint) });
        }
        addPoints(into, text(bytes(mm, 1)[0]), points);
      }
    }
  }
}

// ---- JSON (OTLP/HTTP JSON encoding) ----
interface JsonAny {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: JsonAny[] };
}
interface JsonKv {
  key: string;
  value: JsonAny;
}
function jsonValue(v: JsonAny): Value {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(jsonValue);
  throw new Error(`unexpected AnyValue ${JSON.stringify(v)}`);
}
const jsonAttributes = (list: JsonKv[] | undefined) =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, jsonValue(kv.value)]));

function decodeJsonLogs(body: string, into: Received): void {
  for (const rl of JSON.parse(body).resourceLogs ?? []) {
    into.resources.push(jsonAttributes(rl.resource?.attributes));
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        const log: ReceivedLog = {
          eventName: lr.eventName ?? '',
          timeMs: Number(BigInt(lr.timeUnixNano) / 1_000_000n),
          attributes: jsonAttributes(lr.attributes),
        };
        // An empty AnyValue is no body.
        if (lr.body && Object.keys(lr.body).length > 0) log.body = jsonValue(lr.body);
        if (lr.traceId) Object.assign(log, { traceId: lr.traceId, spanId: lr.spanId });
        into.logs.push(log);
      }
    }
  }
}

/** JSON carries ids as hex (as the OTLP JSON encoding says) and times as decimal nanoseconds. */
function decodeJsonTraces(body: string, into: Received): void {
  for (const rs of JSON.parse(body).resourceSpans ?? []) {
    into.resources.push(jsonAttributes(rs.resource?.attributes));
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const span: ReceivedSpan = {
          name: s.name,
          traceId: s.traceId,
          spanId: s.spanId,
          kind: s.kind ?? 0,
          startMs: Number(BigInt(s.startTimeUnixNano) / 1_000_000n),
          endMs: Number(BigInt(s.endTimeUnixNano) / 1_000_000n),
          attributes: jsonAttributes(s.attributes),
          status: s.status?.code ?? 0,
        };
        if (s.parentSpanId) span.parentSpanId = s.parentSpanId;
        into.spans.push(span);
      }
    }
  }
}

function decodeJsonMetrics(body: string, into: Received): void {
  for (const rm of JSON.parse(body).resourceMetrics ?? []) {
    into.resources.push(jsonAttributes(rm.resource?.attributes));
    for (const sm of rm.scopeMetrics ?? []) {
      for (const metric of sm.metrics ?? []) {
        const points: ReceivedPoint[] = [];
        for (const p of metric.sum?.dataPoints ?? [])
          points.push({ attributes: jsonAttributes(p.attributes), value: Number(p.asInt ?? p.asDouble) });
        for (const p of metric.histogram?.dataPoints ?? [])
          points.push({ attributes: jsonAttributes(p.attributes), value: Number(p.count) });
        addPoints(into, metric.name, points);
      }
    }
  }
}

function addPoints(into: Received, name: string, points: ReceivedPoint[]): void {
  // Cumulative metrics repeat at each export: the latest export holds the totals.
  into.metrics.set(name, points);
}

export interface OtlpReceiver {
  url: string;
  received: Received;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: Received = {
    resources: [],
    logs: [],
    spans: [],
    metrics: new Map(),
    contentTypes: new Set(),
    headers: [],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = req.headers['content-type'] ?? '';
      received.contentTypes.add(type);
      received.headers.push(req.headers);
      const json = type.includes('json');
      if (req.url === '/v1/logs' && json) decodeJsonLogs(body.toString('utf8'), received);
      else if (req.url === '/v1/logs') decodeProtobufLogs(new Uint8Array(body), received);
      else if (req.url === '/v1/metrics' && json) decodeJsonMetrics(body.toString('utf8'), received);
      else if (req.url === '/v1/metrics') decodeProtobufMetrics(new Uint8Array(body), received);
      else if (req.url === '/v1/traces' && json) decodeJsonTraces(body.toString('utf8'), received);
      else if (req.url === '/v1/traces') decodeProtobufTraces(new Uint8Array(body), received);
      else {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
        .end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 that nothing listens on: an OTLP endpoint that is down. */
export async function deadPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
