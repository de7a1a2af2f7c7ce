import { parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import { createLineIndex, locate, withoutBom } from './documentPaths';
import { TOO_DEEP, jsonTooDeepOffset } from './nesting';
import type { PositionedDocument, TreeNavigator } from './documentPaths';

/** A parsed JSON file that can say where (line:column) a value at a path stands. */
export type PositionedJson = PositionedDocument;

const navigator: TreeNavigator<Node> = {
  isArray: (node) => node.type === 'array',
  member(node, key) {
    if (node.type !== 'object') return undefined;
    // The last of duplicate keys, as JSON.parse keeps it (duplicates are reported anyway).
    const property = node.children?.findLast((p) => p.children?.[0]?.value === key);
    return property ? { node: property.children?.[1], offset: property.offset } : undefined;
  },
  item(node, index) {
    const item = node.children?.[index];
    return item ? { node: item, offset: item.offset } : undefined;
  },
};

/** Keys that appear twice in one object: JSON.parse silently keeps the last, so a review would lie. */
function duplicateKeys(node: Node | undefined): Node[] {
  if (!node?.children) return [];
  const found: Node[] = [];
  if (node.type === 'object') {
    const seen = new Set<unknown>();
    for (const property of node.children) {
      const key = property.children?.[0];
      if (key && seen.has(key.value)) found.push(key);
      seen.add(key?.value);
    }
  }
  for (const child of node.children) found.push(...duplicateKeys(child));
  return found;
}

export function parsePositioned(source: string): PositionedJson {
  const text = withoutBom(source);
  const tooDeep = jsonTooDeepOffset(text);
  if (tooDeep >= 0) {
    // parseTree and the checks below recurse: they are never given such a file.
    const at = createLineIndex(text)(tooDeep);
    return { value: undefined, syntaxErrors: [`${at}: ${TOO_DEEP}`], positionOf: () => at };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const lineCol = createLineIndex(text);
  const syntaxErrors = [
    ...errors.map((e) => `${lineCol(e.offset)}: ${printParseErrorCode(e.error)}`),
    ...duplicateKeys(tree).map((key) => `${lineCol(key.offset)}: duplicate key ${JSON.stringify(key.value)}`),
  ];
  let value: unknown;
  try {
    value = syntaxErrors.length === 0 ? JSON.parse(text) : undefined;
  } catch {
    value = undefined;
  }
  return {
    value,
    syntaxErrors,
    positionOf(path) {
      return tree ? lineCol(locate({ node: tree, offset: tree.offset }, path, navigator)) : '1:1';
    },
  };
}
