/**
 * Variables in scopes, as in SSIS: the package's variables, then each container's (and event
 * handler's) own, which hide a package variable of the same name inside that container. Values are
 * converted to the variable's data type when set; a variable with an expression
 * (EvaluateAsExpression) is computed each time it is read.
 */
import type { VariableDataType, VariableDef } from '../../master-core/protocol/packageFormat';
import { canonicalReference } from '../../master-core/protocol/expressionLanguage';
import {
  ExpressionError,
  evaluateParsed,
  kindOf,
  parseDateText,
  parsedExpression,
  textOf,
} from './expressions';
import type { Value } from './taskApi';

/** Variables computed from expressions that read each other: deeper than this is a cycle. */
const MAX_EXPRESSION_DEPTH = 32;
let expressionDepth = 0;

interface Slot {
  def: VariableDef;
  value: Value;
}

/** Converts a value to a data type; throws naming the problem. */
export function convertTo(dataType: VariableDataType | 'Object', value: unknown, what: string): Value {
  if (value === null || value === undefined) return null;
  const fail = (): never => {
    const shown = typeof value === 'string' ? JSON.stringify(value) : kindOf(value as Value);
    throw new Error(`${what} is ${dataType}: cannot store ${shown}`);
  };
  switch (dataType) {
    case 'String':
      if (value instanceof Date) return value.toISOString();
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true';
      return fail();
    case 'Int32':
    case 'Int64': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'bigint'
            ? Number(value)
            : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
              ? Number(value)
              : typeof value === 'boolean'
                ? Number(value)
                : NaN;
      if (!Number.isInteger(n)) return fail();
      const limit = dataType === 'Int32' ? 2 ** 31 : Number.MAX_SAFE_INTEGER + 1;
      if (n < -limit || n >= limit) throw new Error(`${what} is ${dataType}: ${n} is out of range`);
      return n;
    }
    case 'Double':
    case 'Decimal': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'bigint' || (typeof value === 'string' && value.trim() !== '')
            ? Number(value)
            : NaN;
      return Number.isFinite(n) ? n : fail();
    }
    case 'DateTime': {
      const date = value instanceof Date ? value : typeof value === 'string' ? parseDateText(value) : null;
      return date && !Number.isNaN(date.getTime()) ? date : fail();
    }
    case 'Object':
      return value as Value;
  }
}

export class Scope {
  private readonly slots = new Map<string, Slot>();

  constructor(
    readonly parent: Scope | null,
    variables: readonly VariableDef[],
    /** Resolves everything that is not a user variable: parameters and System variables. */
    private readonly outer: (reference: string) => Value | undefined,
    /** System variables this scope adds or hides (TaskName, SourceName in an event handler...). */
    private readonly system: Readonly<Record<string, Value>> = {},
    private readonly onChange?: (def: VariableDef, value: Value) => void,
  ) {
    for (const def of variables) {
      this.slots.set(def.name.toLowerCase(), {
        def,
        value: def.expression ? null : convertTo(def.dataType, def.value, `User::${def.name}`),
      });
    }
  }

  /** This scope, then its parent, up to the package's. */
  private *chain(): Generator<Scope> {
    for (let scope: Scope | null = this as Scope; scope; scope = scope.parent) yield scope;
  }

  /** A child scope: a container's or an event handler's. */
  child(variables: readonly VariableDef[], system: Readonly<Record<string, Value>> = {}): Scope {
    return new Scope(this, variables, this.outer, system, this.onChange);
  }

  private slot(name: string): { slot: Slot; scope: Scope } | undefined {
    const key = name.toLowerCase();
    for (const scope of this.chain()) {
      const slot = scope.slots.get(key);
      if (slot) return { slot, scope };
    }
    return undefined;
  }

  private systemValue(name: string): Value | undefined {
    for (const scope of this.chain()) {
      const hit = Object.keys(scope.system).find((k) => k.toLowerCase() === name.toLowerCase());
      if (hit) return scope.system[hit]!;
    }
    return undefined;
  }

  /** A variable's or parameter's value; undefined when nothing has that name. */
  lookup(reference: string): Value | undefined {
    const [scope, name = ''] = reference.split('::');
    if (scope === 'User') {
      const found = this.slot(name);
      if (!found) return undefined;
      if (!found.slot.def.expression) return found.slot.value;
      if (expressionDepth >= MAX_EXPRESSION_DEPTH)
        throw new ExpressionError(`User::${name}'s expression refers to itself (directly or through others)`);
      expressionDepth += 1;
      try {
        const value = found.scope.evaluate(found.slot.def.expression);
        return convertTo(found.slot.def.dataType, value, `User::${found.slot.def.name}`);
      } finally {
        expressionDepth -= 1;
      }
    }
    if (scope === 'System') return this.systemValue(name) ?? this.outer(reference);
    return this.outer(reference);
  }

  get(reference: string): Value {
    const value = this.lookup(reference);
    if (value === undefined) throw new Error(`unknown variable or parameter ${reference}`);
    return value;
  }

  set(reference: string, value: unknown): void {
    const [scope, name = ''] = reference.split('::');
    if (scope !== 'User') throw new Error(`${reference} cannot be changed: only user variables (User::) can`);
    const found = this.slot(name);
    if (!found) throw new Error(`unknown variable ${reference}`);
    const { def } = found.slot;
    if (def.readOnly) throw new Error(`User::${def.name} is read-only`);
    if (def.expression) throw new Error(`User::${def.name} is computed from an expression and cannot be set`);
    found.slot.value = convertTo(def.dataType, value, `User::${def.name}`);
    if (def.raiseChangedEvent) this.onChange?.(def, found.slot.value);
  }

  /** Every user variable visible here (inner ones hide outer ones), as "User::Name". */
  names(): string[] {
    const seen = new Map<string, string>();
    for (const scope of this.chain()) {
      for (const [key, slot] of scope.slots) if (!seen.has(key)) seen.set(key, `User::${slot.def.name}`);
    }
    return [...seen.values()];
  }

  /** Replaces every @[Scope::Name] in a text property with the referenced value's text. */
  substitute(text: string): string {
    return text.replace(/@\[([^\]]+)\]/g, (_match, reference: string) => {
      const value = this.lookup(canonicalReference(reference));
      if (value === undefined) throw new Error(`unknown reference @[${reference}]`);
      return textOf(value);
    });
  }

  evaluate(expression: string): Value {
    return evaluateParsed(parsedExpression(expression), (reference) => this.get(reference));
  }

  /** Runs an assignment expression (@[User::X] = ...): sets the variable, returns the value. */
  assign(expression: string): Value {
    const parsed = parsedExpression(expression, true);
    const value = evaluateParsed(parsed, (reference) => this.get(reference));
    this.set(parsed.target!, value);
    return this.get(parsed.target!);
  }
}
