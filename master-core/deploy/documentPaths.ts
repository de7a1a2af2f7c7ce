/**
 * Where a value stands in a parsed project file. Shared by the JSON and the YAML reader so both
 * report problems the same way: "line:col" of the value at a path, or of its nearest existing
 * parent when the path goes further than the file does.
 */

/** A path as zod gives it (["tasks", 0, "name"]) or as validateBundle gives it ("tasks.0.name"). */
export type DocumentPath = string | readonly (string | number)[];

/** A parsed project file that can say where (line:column) the value at a path stands. */
export interface PositionedDocument {
  /** The parsed value; undefined when the file has syntax errors. */
  value: unknown;
  /** Syntax errors as "line:col: problem". */
  syntaxErrors: string[];
  /** "line:col" of the value at the path (of its key, inside an object), or of the nearest existing parent. */
  positionOf(path: DocumentPath): string;
}

/** One step down a parsed tree: the child node and the offset to report for it. */
export interface Step<N> {
  node: N | undefined;
  offset: number;
}

/** How to walk one parser's tree. */
export interface TreeNavigator<N> {
  isArray(node: N): boolean;
  /** The value of a key of an object node (offset: the key), or undefined. */
  member(node: N, key: string): Step<N> | undefined;
  /** An item of an array node, or undefined. */
  item(node: N, index: number): Step<N> | undefined;
}

function segmentsOf(path: DocumentPath): { segments: string[]; dotted: boolean } {
  if (typeof path !== 'string') return { segments: path.map(String), dotted: false };
  return { segments: path === '' ? [] : path.split('.'), dotted: true };
}

/**
 * Offset of the value at the path, or of the nearest existing parent. In a dotted path a key may
 * itself hold dots (a property expression named "Connection.Timeout"): at an object, the longest
 * run of segments that names an existing key wins.
 */
export function locate<N>(root: Step<N>, path: DocumentPath, tree: TreeNavigator<N>): number {
  const { segments, dotted } = segmentsOf(path);
  let { node, offset } = root;
  let at = 0;
  while (node !== undefined && at < segments.length) {
    let step: Step<N> | undefined;
    let used = 1;
    if (tree.isArray(node)) {
      const segment = segments[at]!;
      step = /^\d+$/.test(segment) ? tree.item(node, Number(segment)) : undefined;
    } else {
      for (used = dotted ? segments.length - at : 1; used >= 1; used -= 1) {
        step = tree.member(node, segments.slice(at, at + used).join('.'));
        if (step) break;
      }
    }
    if (!step) break;
    offset = step.offset;
    node = step.node;
    at += used;
  }
  return offset;
}

/** Converts offsets to "line:col" (both 1-based) for a text. */
export function createLineIndex(text: string): (offset: number) => string {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return `${low + 1}:${offset - starts[low]! + 1}`;
  };
}

/** Removes a UTF-8 byte order mark, which editors on Windows like to add. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
