/**
 * Property-based fuzzing helpers (fast-check): valid-ish values derived from zod schemas, and
 * mutations that make them hostile (wrong types, huge strings, NUL bytes, unknown and
 * prototype-pollution keys, deep nesting), serialised to the exact text sent over the wire.
 */
import fc from 'fast-check';
import type { z } from 'zod';

/** Names the fuzz master is seeded with, so valid-ish inputs reach real objects. */
export const KNOWN_STRINGS = [
  'Ops',
  'Echo',
  'Say',
  'Dev',
  'Target',
  'Env',
  'Password',
  'w-fuzz',
  'fuzz-worker',
  'admin',
  'SERVER_LOGGING_LEVEL',
  '$Project::Env',
  '$Package::Target',
  'CM.Warehouse.Password',
];

/** Strings an attacker tries: they must be refused or stored and returned as inert text. */
export const HOSTILE_STRINGS = [
  '',
  '\0',
  'a\0b',
  "'; DROP TABLE folders; --",
  '<img src=x onerror=alert(1)>',
  '../../../etc/passwd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  '%00',
  '${process.env.SCALEOUT_AGENT_TOKEN}',
  '\u202e\ufeff\ud800',
  '__proto__',
  'constructor',
];

/** The body text marker replaced by JSON nested DEEP_LEVELS deep (JSON.stringify cannot write it). */
export const DEEP_MARKER = '\u0000__deep__\u0000';
export const DEEP_LEVELS = 10_000;

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

function numberRange(def: Def): { min: number; max: number; integer: boolean } {
  let min = -1_000;
  let max = 1_000;
  let integer = false;
  for (const check of (def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []) {
    const c = check._zod.def;
    if (c.check === 'number_format') integer = true;
    if (c.check === 'greater_than') min = Math.max(min, Number(c.value));
    if (c.check === 'less_than') max = Math.min(max, Number(c.value));
  }
  return { min: Math.min(min, max), max, integer };
}

function stringArbitrary(def: Def): fc.Arbitrary<string> {
  if (def.format === 'datetime') return fc.constantFrom('2026-01-01T00:00:00Z', '2030-12-31T23:59:59.999Z');
  let maxLength = 40;
  for (const check of (def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []) {
    if (check._zod.def.check === 'max_length')
      maxLength = Math.min(maxLength, Number(check._zod.def.maximum));
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...KNOWN_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength }) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  );
}

/**
 * Values shaped like what `schema` accepts (often valid, sometimes not: regexes and refinements
 * are not honoured). Bounded: arrays and records hold at most 3 items, recursion stops at `depth`.
 */
export function arbitraryFor(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  if (depth > 7) return fc.constant(undefined);
  const inner = (s: unknown) => arbitraryFor(s as z.ZodType, depth + 1);
  switch (def.type) {
    case 'string':
      return stringArbitrary(def);
    case 'number': {
      const { min, max, integer } = numberRange(def);
      return integer
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const required = Object.keys(shape).filter(
        (k) => !['optional', 'default'].includes(defOf(shape[k]).type),
      );
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(shape)) model[key] = inner(value);
      return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<unknown>;
    }
    case 'array':
      return fc.array(inner(def.element), { maxLength: depth > 3 ? 1 : 3 });
    case 'record':
      return fc.dictionary(
        fc.oneof(fc.constantFrom(...KNOWN_STRINGS), fc.string({ maxLength: 12 })),
        inner(def.valueType),
        { maxKeys: 3 },
      );
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map(inner));
    case 'optional':
      return inner(def.innerType);
    case 'default':
      return inner(def.innerType);
    case 'nullable':
      return fc.oneof(fc.constant(null), inner(def.innerType));
    case 'lazy':
      return depth > 4 ? fc.constant(undefined) : inner((def.getter as () => unknown)());
    case 'pipe':
      return inner(def.in);
    case 'unknown':
    case 'any':
      return fc.jsonValue({ maxDepth: 2 });
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** Hostile replacement values: every JSON type, extremes, and a marker for 10,000-deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    0,
    -1,
    1e308,
    -1e308,
    2 ** 53 + 2,
    0.5,
    true,
    [],
    {},
    [[[[[]]]]],
    DEEP_MARKER,
  ),
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constant('x'.repeat(1024 * 1024)),
  fc.constant(protoObject('__proto__', { polluted: 'yes' })),
  fc.constant({ constructor: { prototype: { polluted: 'yes' } } }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** An object whose own (enumerable) key is `key`, even `__proto__`, so JSON.stringify writes it. */
export function protoObject(
  key: string,
  value: unknown,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
}

const UNKNOWN_KEYS = ['__proto__', 'constructor', 'prototype', 'zzUnknown', 'toString', 'hasOwnProperty'];

type Path = (string | number)[];

/** Every path to a value inside `value` (the root is []). */
function pathsOf(value: unknown, base: Path = [], out: Path[] = []): Path[] {
  out.push(base);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...base, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...base, k], out);
  }
  return out;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function replaceAt(root: unknown, path: Path, replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(root);
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const next = replace(node[last]);
  if (typeof last === 'string' && (last === '__proto__' || last === 'constructor')) {
    Object.defineProperty(node, last, { value: next, enumerable: true, configurable: true, writable: true });
  } else node[last] = next;
  return copy;
}

export type Mutation =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'addKey'; pick: number; key: string; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'nul'; pick: number }
  | { kind: 'wrap'; pick: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: hostileValue }),
  fc.record({
    kind: fc.constant('addKey' as const),
    pick: fc.nat(),
    key: fc.constantFrom(...UNKNOWN_KEYS),
    value: hostileValue,
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('nul' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('wrap' as const), pick: fc.nat() }),
);

/** Applies mutations one after the other to a copy of `value`. */
export function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  let current = value;
  for (const m of mutations) {
    const paths = pathsOf(current);
    const path = paths[m.pick % paths.length]!;
    if (m.kind === 'set') current = replaceAt(current, path, () => m.value);
    else if (m.kind === 'wrap') current = replaceAt(current, path, (old) => [[{ value: old }]]);
    else if (m.kind === 'nul') {
      current = replaceAt(current, path, (old) => (typeof old === 'string' ? `${old}\0${old}` : '\0'));
    } else if (m.kind === 'addKey') {
      const objects = paths.filter((p) => {
        const v = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], current);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      if (objects.length === 0) continue;
      const target = objects[m.pick % objects.length]!;
      current = replaceAt(current, target, (old) =>
        protoObject(m.key, m.value, old as Record<string, unknown>),
      );
    } else if (path.length > 0) {
      const parentPath = path.slice(0, -1);
      const last = path[path.length - 1]!;
      current = replaceAt(current, parentPath, (parent) => {
        if (Array.isArray(parent)) return parent.filter((_, i) => i !== last);
        const { [last as string]: _gone, ...rest } = parent as Record<string, unknown>;
        return rest;
      });
    }
  }
  return current;
}

/** The request text: JSON, with the deep marker (if any) turned into JSON nested DEEP_LEVELS deep. */
export function toBodyText(value: unknown): string {
  const text = value === undefined ? '' : JSON.stringify(value);
  const deep = `${'['.repeat(DEEP_LEVELS)}${']'.repeat(DEEP_LEVELS)}`;
  return text.split(JSON.stringify(DEEP_MARKER)).join(deep);
}

/** Bodies that are not JSON objects at all. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    'null',
    '[]',
    '"text"',
    '42',
    'true',
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    `${'{"a":'.repeat(DEEP_LEVELS)}1${'}'.repeat(DEEP_LEVELS)}`,
    '\u0000\u0001\u0002',
    '\ufeff{}',
  ),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

/** A stable seed per name, so a failure replays: FUZZ_SEED shifts every seed at once. */
export function seedFor(name: string): number {
  let h = Number(process.env.FUZZ_SEED ?? 20_261_129) | 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}
