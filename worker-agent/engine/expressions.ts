/**
 * Interprets parsed expressions (master-core/protocol/expressionLanguage.ts). Types are checked as
 * the expression runs: an operator or function given the wrong kind of value fails with a message
 * naming both, instead of guessing. NULL propagates through operators and functions as in SSIS,
 * except ISNULL, REPLACENULL, == and !=.
 */
import { ExpressionError, castOf, parseExpression } from '../../master-core/protocol/expressionLanguage';
import type { ExpressionNode, ParsedExpression } from '../../master-core/protocol/expressionLanguage';
import { callFunction } from './expressionFunctions';
import { bool, cast, kindOf, num } from './expressionValues';
import type { Value } from './taskApi';

export { cast, kindOf, parseDateText, textOf } from './expressionValues';

export { ExpressionError };

const cache = new Map<string, ParsedExpression>();
const CACHE_LIMIT = 2_000;

/** Parses once per distinct text and form (the engine evaluates loop expressions many times). */
export function parsedExpression(source: string, assignment = false, columns = false): ParsedExpression {
  const key = `${assignment ? '=' : '?'}${columns ? 'c' : 'v'}${source}`;
  let parsed = cache.get(key);
  if (!parsed) {
    parsed = parseExpression(source, { assignment, columns });
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, parsed);
  }
  return parsed;
}

/** What can be compared with what: numbers with numbers, text with text, and so on. */
function family(value: Value): string {
  if (value instanceof Date) return 'date';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function compare(op: string, left: Value, right: Value): boolean {
  if (op === '==' || op === '!=') {
    if (left !== null && right !== null && family(left) !== family(right))
      throw new ExpressionError(`cannot compare ${kindOf(left)} with ${kindOf(right)} using ${op}`);
    const equal =
      left instanceof Date && right instanceof Date ? left.getTime() === right.getTime() : left === right;
    return op === '==' ? equal : !equal;
  }
  let l: number | string;
  let r: number | string;
  if (left instanceof Date && right instanceof Date) {
    l = left.getTime();
    r = right.getTime();
  } else if (typeof left === 'number' && typeof right === 'number') {
    [l, r] = [left, right];
  } else if (typeof left === 'string' && typeof right === 'string') {
    [l, r] = [left, right];
  } else {
    throw new ExpressionError(`cannot compare ${kindOf(left)} with ${kindOf(right)} using ${op}`);
  }
  switch (op) {
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    default:
      return l >= r;
  }
}

function binary(op: string, left: Value, right: Value): Value {
  if (op === '==' || op === '!=') return compare(op, left, right);
  if (left === null || right === null) return null;
  switch (op) {
    case '+':
      if (typeof left === 'number' && typeof right === 'number') return left + right;
      if (typeof left === 'string' || typeof right === 'string') {
        if (typeof left === 'string' && typeof right === 'string') return left + right;
        throw new ExpressionError(
          `+ cannot join ${kindOf(left)} and ${kindOf(right)}: cast first, e.g. (DT_WSTR, 20)@[User::Count]`,
        );
      }
      throw new ExpressionError(`+ needs numbers or Strings, got ${kindOf(left)} and ${kindOf(right)}`);
    case '-':
      return num(left, '-') - num(right, '-');
    case '*':
      return num(left, '*') * num(right, '*');
    case '/':
    case '%': {
      const divisor = num(right, op);
      if (divisor === 0) throw new ExpressionError('divide by zero');
      const dividend = num(left, op);
      // Unlike SSIS, 7 / 2 is 3.5 (numbers carry no integer type here); (DT_I4) rounds.
      return op === '%' ? dividend % divisor : dividend / divisor;
    }
    default:
      return compare(op, left, right);
  }
}

/** A computation that leaves the numbers (SQRT(-1), LOG(0), 1e308 * 10) is an error, not NaN. */
function finite(value: Value, what: string): Value {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new ExpressionError(`${what} gives ${value}, which is not a number a variable can hold`);
  return value;
}

function evaluateNode(node: ExpressionNode, slots: readonly Value[]): Value {
  switch (node.type) {
    case 'Literal':
      return node.value as Value;
    case 'Identifier': {
      const name = node.name as string;
      const ref = /^__ref(\d+)$/.exec(name);
      if (ref) return slots[Number(ref[1])]!;
      const word = name.toUpperCase();
      return word === 'TRUE' ? true : word === 'FALSE' ? false : null;
    }
    case 'UnaryExpression': {
      const operand = evaluateNode(node.argument as ExpressionNode, slots);
      const op = node.operator as string;
      const castName = castOf(op);
      if (castName) return cast(castName, operand);
      if (operand === null) return null;
      if (op === '!') return !bool(operand, '!');
      if (op === '-') return -num(operand, '-');
      return num(operand, '+');
    }
    case 'BinaryExpression': {
      const op = node.operator as string;
      const left = evaluateNode(node.left as ExpressionNode, slots);
      if (op === '&&' || op === '||') {
        if (left === null) return null;
        const l = bool(left, op);
        if (op === '&&' ? !l : l) return l;
        const right = evaluateNode(node.right as ExpressionNode, slots);
        return right === null ? null : bool(right, op);
      }
      return finite(binary(op, left, evaluateNode(node.right as ExpressionNode, slots)), `operator ${op}`);
    }
    case 'ConditionalExpression': {
      const test = evaluateNode(node.test as ExpressionNode, slots);
      if (test === null) return null;
      return evaluateNode((bool(test, '? :') ? node.consequent : node.alternate) as ExpressionNode, slots);
    }
    case 'CallExpression': {
      const name = ((node.callee as ExpressionNode).name as string).toUpperCase();
      return finite(
        callFunction(
          name,
          (node.arguments as ExpressionNode[]).map((arg) => evaluateNode(arg, slots)),
        ),
        `${name}()`,
      );
    }
    default:
      throw new ExpressionError(`unsupported syntax ${node.type}`);
  }
}

/** Evaluates a parsed expression; `resolve` gives each reference's value (throws when unknown). */
export function evaluateParsed(parsed: ParsedExpression, resolve: (reference: string) => Value): Value {
  return evaluateWithSlots(parsed, parsed.references.map(resolve));
}

/** Evaluates with the references' values already looked up, in the order of `parsed.references`. */
export function evaluateWithSlots(parsed: ParsedExpression, slots: readonly Value[]): Value {
  try {
    return evaluateNode(parsed.ast, slots);
  } catch (error) {
    if (error instanceof ExpressionError)
      throw new ExpressionError(`expression ${JSON.stringify(parsed.source)}: ${error.message}`);
    throw error;
  }
}
