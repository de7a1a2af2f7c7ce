import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import { locate, withoutBom } from './documentPaths';
import type { PositionedDocument, TreeNavigator } from './documentPaths';
import { coerceError } from '../protocol/errors';
import { tooDeepAt } from '../protocol/validate';
import { TOO_DEEP, isStackOverflow } from './nesting';

/** A parsed YAML file that can say where (line:column) a value at a path stands. */
export type PositionedYaml = PositionedDocument;

/** The YAML 1.2 core schema's own tags (!!str 12 and the like): anything else is refused. */
const CORE_TAGS: ReadonlySet<string> = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);
/** Each alias expanded counts; a small limit stops "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;

interface Located {
  offset: number;
  message: string;
}

/**
 * Features the yaml library accepts but that would make what a reviewer reads differ from what
 * runs: tags (custom or YAML 1.1 types such as !!binary), keys that are collections or aliases
 * (turned into strings), merge keys (<<, a YAML 1.1 feature) and aliases without an anchor.
 */
function refusedFeatures(doc: Document.Parsed): Located[] {
  const found: Located[] = [];
  visit(doc, {
    Pair(_key, pair) {
      const key = pair.key;
      if (isScalar(key) && key.value === '<<') {
        found.push({
          offset: key.range?.[0] ?? 0,
          message: 'merge keys (<<) are not supported: write the keys out',
        });
      } else if (key !== null && !isScalar(key)) {
        const offset = (key as Node).range?.[0] ?? 0;
        found.push({ offset, message: 'keys must be plain values, not collections or aliases' });
      }
    },
    Node(_key, node) {
      if (node.tag && !CORE_TAGS.has(node.tag)) {
        const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
        found.push({
          offset: node.range?.[0] ?? 0,
          message: `tag ${tag} is not allowed: write plain values`,
        });
      }
      if (isAlias(node) && node.resolve(doc) === undefined) {
        found.push({
          offset: node.range?.[0] ?? 0,
          message: `alias *${node.source} has no anchor before it`,
        });
      }
    },
  });
  return found;
}

function navigatorFor(doc: Document.Parsed): TreeNavigator<unknown> {
  const resolved = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  return {
    isArray: (node) => isSeq(resolved(node)),
    member(node, key) {
      const map = resolved(node);
      if (!isMap(map)) return undefined;
      const pair = map.items.findLast((p) => isScalar(p.key) && String(p.key.value) === key);
      const keyNode = pair?.key as Node | undefined;
      return pair ? { node: pair.value ?? undefined, offset: keyNode?.range?.[0] ?? 0 } : undefined;
    },
    item(node, index) {
      const seq = resolved(node);
      const item: unknown = isSeq(seq) ? seq.items[index] : undefined;
      return item ? { node: item, offset: (item as Node).range?.[0] ?? 0 } : undefined;
    },
  };
}

/**
 * Parses YAML 1.2 (core schema, whatever %YAML directive the file holds, so `yes` stays a string)
 * with line and column for every value. Duplicate keys are errors, anchors and aliases are fine,
 * tags and merge keys are refused (see refusedFeatures).
 */
export function parsePositionedYaml(source: string): PositionedYaml {
  try {
    return parseYaml(withoutBom(source));
  } catch (error) {
    // The yaml library (parser, visitor, toJS) recurses: a document nested thousands deep
    // overflows the stack. That is a problem of the file, not of the master.
    if (!isStackOverflow(error)) throw error;
    return { value: undefined, syntaxErrors: [`1:1: ${TOO_DEEP}`], positionOf: () => '1:1' };
  }
}

function parseYaml(text: string): PositionedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  const lineCol = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${line}:${col}`;
  };
  const problems: Located[] = [
    ...[...doc.errors, ...doc.warnings]
      .filter((e) => e.code !== 'TAG_RESOLVE_FAILED') // refusedFeatures reports every tag
      .map((e) => ({ offset: e.pos[0], message: e.message })),
    ...refusedFeatures(doc),
  ].sort((a, b) => a.offset - b.offset);
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (isStackOverflow(error)) throw error;
      problems.push({ offset: 0, message: coerceError(error).message });
    }
  }
  const deep = value === undefined ? undefined : tooDeepAt(value);
  if (deep) {
    value = undefined;
    problems.push({ offset: 0, message: `${deep.slice(0, 8).join('.')}: ${TOO_DEEP}` });
  }
  const root = doc.contents;
  return {
    value,
    syntaxErrors: problems.map((p) => `${lineCol(p.offset)}: ${p.message}`),
    positionOf(path) {
      return lineCol(
        locate({ node: root ?? undefined, offset: root?.range?.[0] ?? 0 }, path, navigatorFor(doc)),
      );
    },
  };
}
