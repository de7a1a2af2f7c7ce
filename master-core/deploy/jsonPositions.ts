import { findNodeAtLocation, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';

/** A parsed JSON file that can say where (line:column) a value at a path stands. */
export interface PositionedJson {
  value: unknown;
  /** Syntax errors as "line:col: problem". */
  syntaxErrors: string[];
  /** "line:col" of the value at the path, or of the nearest existing parent. */
  positionOf(path: readonly (string | number)[]): string;
}

function lineCol(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}

export function parsePositioned(text: string): PositionedJson {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  return {
    value,
    syntaxErrors: errors.map((e) => `${lineCol(text, e.offset)}: ${printParseErrorCode(e.error)}`),
    positionOf(path) {
      if (!tree) return '1:1';
      for (let n = path.length; n >= 0; n -= 1) {
        const node: Node | undefined = findNodeAtLocation(tree, path.slice(0, n) as (string | number)[]);
        if (node) return lineCol(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
      }
      return '1:1';
    },
  };
}
