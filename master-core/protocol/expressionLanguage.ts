/**
 * The package expression language: SSIS expression syntax (references such as @[User::Count],
 * C-like operators, casts such as (DT_WSTR, 10), functions such as DATEADD), parsed by jsep into
 * a syntax tree that the engine interprets (worker-agent/engine/expressions.ts). Nothing is ever
 * compiled to JavaScript. The master uses this module at deploy to refuse expressions that do not
 * parse, call unknown functions or reference unknown variables; the worker uses it to run them.
 * docs/packages.md describes the language.
 */
import jsep from 'jsep';

export type ExpressionNode = jsep.Expression;

/** SSIS cast operators, written (DT_WSTR, 10) before an operand. */
export const CASTS = [
  'DT_WSTR',
  'DT_STR',
  'DT_I1',
  'DT_I2',
  'DT_I4',
  'DT_I8',
  'DT_UI1',
  'DT_UI2',
  'DT_UI4',
  'DT_UI8',
  'DT_R4',
  'DT_R8',
  'DT_NUMERIC',
  'DT_DECIMAL',
  'DT_CY',
  'DT_BOOL',
  'DT_DATE',
  'DT_DBDATE',
  'DT_DBTIMESTAMP',
] as const;
export type CastName = (typeof CASTS)[number];
const CAST_OPERATOR_SUFFIX = '__CAST';

/** Functions and how many arguments each takes: [min, max]. */
export const FUNCTION_ARITY: Readonly<Record<string, readonly [number, number]>> = {
  LEN: [1, 1],
  UPPER: [1, 1],
  LOWER: [1, 1],
  TRIM: [1, 1],
  LTRIM: [1, 1],
  RTRIM: [1, 1],
  SUBSTRING: [3, 3],
  LEFT: [2, 2],
  RIGHT: [2, 2],
  REPLACE: [3, 3],
  FINDSTRING: [3, 3],
  REPLICATE: [2, 2],
  REVERSE: [1, 1],
  TOKEN: [3, 3],
  TOKENCOUNT: [2, 2],
  CODEPOINT: [1, 1],
  HEX: [1, 1],
  ABS: [1, 1],
  CEILING: [1, 1],
  FLOOR: [1, 1],
  ROUND: [2, 2],
  POWER: [2, 2],
  SQRT: [1, 1],
  SQUARE: [1, 1],
  SIGN: [1, 1],
  EXP: [1, 1],
  LN: [1, 1],
  LOG: [1, 1],
  GETDATE: [0, 0],
  GETUTCDATE: [0, 0],
  DATEADD: [3, 3],
  DATEDIFF: [3, 3],
  DATEPART: [2, 2],
  YEAR: [1, 1],
  MONTH: [1, 1],
  DAY: [1, 1],
  ISNULL: [1, 1],
  REPLACENULL: [2, 2],
};

/** System variables every package may read. */
export const SYSTEM_VARIABLES = [
  'ExecutionId',
  'AttemptNumber',
  'MachineName',
  'StartTime',
  'PackageName',
  'ProjectName',
  'FolderName',
  'NodePath',
  'TaskName',
  'ContainerStartTime',
] as const;
/** System variables set inside event handlers: who raised the event, and the error. */
export const EVENT_SYSTEM_VARIABLES = [
  'SourceName',
  'SourceDescription',
  'ErrorCode',
  'ErrorDescription',
] as const;

const OPERATORS = new Set(['+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||', '!']);

export class ExpressionError extends Error {}

/** References to data flow columns are "Column::Name" ([Name] or a bare Name in the expression). */
export const COLUMN_SCOPE = 'Column';

/** Data flow expressions: bare names are columns; they become references like @[...] ones. */
function bindColumns(node: ExpressionNode, references: string[]): void {
  if (node.type === 'Identifier') {
    const name = node.name as string;
    if (/^__ref\d+$/.test(name) || ['TRUE', 'FALSE', 'NULL'].includes(name.toUpperCase())) return;
    node.name = `__ref${references.length}`;
    references.push(`${COLUMN_SCOPE}::${name}`);
    return;
  }
  if (node.type === 'CallExpression') {
    (node.arguments as ExpressionNode[]).forEach((a) => bindColumns(a, references));
    return;
  }
  for (const key of ['argument', 'left', 'right', 'test', 'consequent', 'alternate']) {
    const child = node[key] as ExpressionNode | undefined;
    if (child && typeof child === 'object') bindColumns(child, references);
  }
}

export interface ParsedExpression {
  source: string;
  ast: ExpressionNode;
  /** References in the order they appear, e.g. "User::Count", "$Package::Mode"; index = slot. */
  references: string[];
  /** For assignments (@[User::X] = ...): the reference assigned. */
  target: string | null;
}

let configured = false;
function configure(): void {
  if (configured) return;
  configured = true;
  for (const cast of CASTS) jsep.addUnaryOp(`${cast}${CAST_OPERATOR_SUFFIX}`);
  // SSIS has no === or !==, no bit shifts: refusing them early gives a clearer message.
  for (const op of ['===', '!==', '<<', '>>', '>>>']) jsep.removeBinaryOp(op);
  jsep.removeLiteral('this');
}

/** Name of a cast operator in the tree, or null. */
export function castOf(operator: string): CastName | null {
  return operator.endsWith(CAST_OPERATOR_SUFFIX)
    ? (operator.slice(0, -CAST_OPERATOR_SUFFIX.length) as CastName)
    : null;
}

/** "User::x" -> "User::x"; " $package :: Mode " -> "$Package::Mode"; bare "x" -> "User::x". */
export function canonicalReference(text: string): string {
  const parts = text.split('::').map((p) => p.trim());
  if (parts.length === 1) return `User::${parts[0]}`;
  const scope = parts[0]!;
  const known = ['User', 'System', '$Package', '$Project'].find(
    (s) => s.toLowerCase() === scope.toLowerCase(),
  );
  return `${known ?? scope}::${parts.slice(1).join('::')}`;
}

/**
 * Rewrites what jsep cannot read, outside string literals: @[Scope::Name] and @Name become
 * identifiers __ref<n>, and casts (DT_WSTR, 10) become unary operators.
 */
function rewrite(source: string, columns: boolean): { text: string; references: string[] } {
  const references: string[] = [];
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) throw new ExpressionError(`unterminated string starting at character ${i + 1}`);
      out += source.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === "'")
      throw new ExpressionError(`text goes in double quotes ("..."), not single ones (character ${i + 1})`);
    if (c === '@') {
      let name: string;
      if (source[i + 1] === '[') {
        const end = source.indexOf(']', i);
        if (end < 0) throw new ExpressionError(`missing ] after @[ at character ${i + 1}`);
        name = source.slice(i + 2, end);
        i = end + 1;
      } else {
        const m = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(source.slice(i));
        if (!m)
          throw new ExpressionError(`@ must start a reference such as @[User::Name] (character ${i + 1})`);
        name = m[1]!;
        i += m[0].length;
      }
      if (!name.trim()) throw new ExpressionError('empty reference @[]');
      out += ` __ref${references.length} `;
      references.push(canonicalReference(name));
      continue;
    }
    if (c === '[' && columns) {
      const end = source.indexOf(']', i);
      if (end < 0) throw new ExpressionError(`missing ] after [ at character ${i + 1}`);
      const name = source.slice(i + 1, end).trim();
      if (!name) throw new ExpressionError('empty column reference []');
      out += ` __ref${references.length} `;
      references.push(`${COLUMN_SCOPE}::${name}`);
      i = end + 1;
      continue;
    }
    if (c === '(') {
      const m = /^\(\s*(DT_[A-Z0-9]+)\s*(?:,[^()]*)?\)/i.exec(source.slice(i));
      if (m) {
        const cast = m[1]!.toUpperCase();
        if (!(CASTS as readonly string[]).includes(cast)) throw new ExpressionError(`unknown cast ${m[1]}`);
        out += ` ${cast}${CAST_OPERATOR_SUFFIX} `;
        i += m[0].length;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return { text: out, references };
}

function check(node: ExpressionNode, source: string): void {
  switch (node.type) {
    case 'Literal':
      if (node.value === null) return;
      if (typeof node.value !== 'string' && typeof node.value !== 'number' && typeof node.value !== 'boolean')
        throw new ExpressionError(`unsupported literal ${String(node.raw)}`);
      return;
    case 'Identifier': {
      const name = node.name as string;
      if (/^__ref\d+$/.test(name) || ['TRUE', 'FALSE', 'NULL'].includes(name.toUpperCase())) return;
      throw new ExpressionError(
        `unknown name ${name}: write variables as @[User::${name}], text in "double quotes"`,
      );
    }
    case 'UnaryExpression':
      if (!castOf(node.operator as string) && !['-', '!', '+'].includes(node.operator as string))
        throw new ExpressionError(`operator ${String(node.operator)} is not supported`);
      return check(node.argument as ExpressionNode, source);
    case 'BinaryExpression':
      if (!OPERATORS.has(node.operator as string))
        throw new ExpressionError(`operator ${String(node.operator)} is not supported`);
      check(node.left as ExpressionNode, source);
      return check(node.right as ExpressionNode, source);
    case 'ConditionalExpression':
      check(node.test as ExpressionNode, source);
      check(node.consequent as ExpressionNode, source);
      return check(node.alternate as ExpressionNode, source);
    case 'CallExpression': {
      const callee = node.callee as ExpressionNode;
      if (callee.type !== 'Identifier') throw new ExpressionError('only functions can be called');
      const name = (callee.name as string).toUpperCase();
      const arity = FUNCTION_ARITY[name];
      if (!arity) throw new ExpressionError(`unknown function ${callee.name as string}`);
      const args = node.arguments as ExpressionNode[];
      if (args.length < arity[0] || args.length > arity[1]) {
        const want = arity[0] === arity[1] ? `${arity[0]}` : `${arity[0]} to ${arity[1]}`;
        throw new ExpressionError(`${name} takes ${want} argument(s), got ${args.length}`);
      }
      for (const arg of args) check(arg, source);
      return;
    }
    default:
      throw new ExpressionError(`unsupported syntax (${node.type}) in ${JSON.stringify(source)}`);
  }
}

/**
 * Parses an expression; `assignment` accepts (and requires) the form @[User::X] = expression of
 * the Expression task and the For Loop's init and assign expressions. Throws ExpressionError.
 */
export function parseExpression(
  source: string,
  options: { assignment?: boolean; columns?: boolean } = {},
): ParsedExpression {
  configure();
  const { text, references } = rewrite(source, options.columns === true);
  let body = text;
  let target: string | null = null;
  if (options.assignment) {
    const m = /^\s*__ref(\d+)\s*=(?!=)/.exec(text);
    if (!m) throw new ExpressionError('must be an assignment such as @[User::Count] = @[User::Count] + 1');
    target = references[Number(m[1])]!;
    body = text.slice(m[0].length);
  }
  if (!body.trim()) throw new ExpressionError('is empty');
  let ast: ExpressionNode;
  try {
    ast = jsep(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ExpressionError(message.replace(/__ref\d+/g, 'reference').replace(/ at character \d+/, ''));
  }
  if (options.columns) bindColumns(ast, references);
  check(ast, source);
  return { source, ast, references, target };
}

/** Every problem of an expression for deploy, [] when it is fine. `known` says which references exist. */
export function expressionProblems(
  source: string,
  known: (reference: string) => boolean,
  options: { assignment?: boolean; columns?: boolean } = {},
): string[] {
  let parsed: ParsedExpression;
  try {
    parsed = parseExpression(source, options);
  } catch (error) {
    return [`expression ${JSON.stringify(source)}: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  for (const reference of new Set(parsed.references)) {
    if (known(reference)) continue;
    const column = reference.startsWith(`${COLUMN_SCOPE}::`)
      ? reference.slice(COLUMN_SCOPE.length + 2)
      : null;
    problems.push(
      column === null
        ? `unknown reference @[${reference}] in ${JSON.stringify(source)}`
        : `no input column ${column} in ${JSON.stringify(source)}`,
    );
  }
  if (parsed.target && !parsed.target.startsWith('User::'))
    problems.push(`only user variables can be assigned, not @[${parsed.target}]`);
  return problems;
}

/** @[...] references inside a text property (not an expression): "file_@[User::Day].csv". */
export function textReferences(text: string): string[] {
  return [...text.matchAll(/@\[([^\]]*)\]/g)].map((m) => canonicalReference(m[1]!));
}
