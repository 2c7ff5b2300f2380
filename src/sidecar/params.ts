// Every request's parameters checked at the protocol boundary, so a wrong type is an
// invalid-params error naming the field, never a TypeError deep inside a handler.
import { SidecarError } from '../contracts/rpc-errors';
import { Methods } from '../contracts/rpc-methods';

type Kind = 'string' | 'boolean' | 'number' | 'int' | 'int[]' | 'object' | 'array' | 'any';
interface Field {
  kind: Kind;
  required?: boolean;
  /** Fields of each element, for arrays of objects. */
  items?: Shape;
}
type Shape = Record<string, Field>;

const opt = (kind: Kind, items?: Shape): Field => ({ kind, items });
const req = (kind: Kind, items?: Shape): Field => ({ kind, required: true, items });

const SHAPES: Record<string, Shape> = {
  [Methods.loadModel.method]: {
    model: req('string'),
    dtype: opt('string'),
    cacheDir: opt('string'),
    offline: opt('boolean'),
    layers: opt('int[]'),
    threads: opt('int'),
    executionProvider: opt('string'),
    contextLimit: opt('int'),
    memoryBudgetBytes: opt('number'),
    progressToken: opt('string'),
    vectorsPath: opt('string'),
  },
  [Methods.openConversation.method]: { conversationId: opt('string'), messages: opt('array'), returns: opt('string') },
  [Methods.appendMessages.method]: { conversationId: req('string'), messages: req('array'), returns: opt('string') },
  [Methods.closeConversation.method]: { conversationId: req('string') },
  [Methods.generate.method]: {
    messages: req('array'),
    maxNewTokens: req('int'),
    temperature: opt('number'),
    topK: opt('int'),
    seed: opt('int'),
    streamToken: opt('string'),
    steering: opt('array', { layer: req('int'), vector: req('string'), scale: req('number') }),
  },
  [Methods.runExperiment.method]: {
    name: req('string'),
    params: opt('any'),
    vectorsPath: opt('string'),
    progressToken: opt('string'),
  },
  [Methods.calibrate.method]: { layers: opt('int[]'), tokenStart: opt('int'), progressToken: opt('string') },
};

function fits(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
    case 'boolean':
      return typeof value === kind;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'int':
      return Number.isSafeInteger(value);
    case 'int[]':
      return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v));
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'any':
      return true;
  }
}

const WHAT: Record<Kind, string> = {
  string: 'a string',
  boolean: 'true or false',
  number: 'a finite number',
  int: 'a whole number',
  'int[]': 'a list of whole numbers',
  object: 'an object',
  array: 'a list',
  any: 'anything',
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : typeof value;
}

function checkShape(where: string, value: unknown, shape: Shape): void {
  if (!fits(value, 'object'))
    throw new SidecarError('invalid-params', `${where} needs an object of parameters, got ${describe(value)}.`);
  const params = value as Record<string, unknown>;
  for (const [name, field] of Object.entries(shape)) {
    const v = Object.hasOwn(params, name) ? params[name] : undefined;
    if (v === undefined) {
      if (field.required)
        throw new SidecarError('invalid-params', `${where}: \`${name}\` is required (${WHAT[field.kind]}).`);
      continue;
    }
    if (!fits(v, field.kind))
      throw new SidecarError(
        'invalid-params',
        `${where}: \`${name}\` must be ${WHAT[field.kind]}, got ${describe(v)}.`,
      );
    if (field.items)
      (v as unknown[]).forEach((item, i) => checkShape(`${where}: \`${name}[${i}]\``, item, field.items!));
  }
}

/** Throws invalid-params when `params` do not have the types `method` takes. */
export function checkParams(method: string, params: unknown): void {
  const shape = SHAPES[method];
  if (shape) checkShape(method, params, shape);
}
