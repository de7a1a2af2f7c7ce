/**
 * What the engine gives a task while it runs. Each task is a function
 * `(task: <its definition>, context: TaskContext) => Promise<void>` that throws an Error to fail
 * (its message becomes the OnError message) and resolves to succeed.
 *
 * The engine has already applied the task's property expressions and validated the result
 * against the task's schema; text properties may still hold @[Scope::Name] references, which
 * `substitute` replaces (the docs say which properties do).
 */
import type { ConnectionHandle, ConnectionType } from './connections/types';

/** A value in a variable, a parameter or an expression. Dates are Date; Object is anything JSON. */
export type Value = string | number | boolean | null | Date | Value[] | { [key: string]: Value };

export interface TaskLog {
  /** OnInformation (message type 70). */
  information(message: string): void;
  /** OnWarning (110): counts as a warning, not an error; the task continues. */
  warning(message: string): void;
  /**
   * OnError (120): an error that does not stop the task, but counts against MaximumErrorCount like
   * any other (with the default of 1 the package fails at its end, as in SSIS). To fail the task
   * now, throw.
   */
  error(message: string): void;
  /** OnProgress (60). */
  progress(percent: number, message?: string): void;
}

export interface TaskContext {
  /** The task's name and SSIS package path, e.g. \Package\Load\Import rows. */
  readonly name: string;
  readonly packagePath: string;
  /** Aborted when the execution is stopped or times out: stop and throw. */
  readonly signal: AbortSignal;
  /** The attempt's working directory (also process.cwd()); relative paths resolve against it. */
  readonly workDir: string;
  /** The Node binary running the engine (for tasks that start Node programs). */
  readonly nodePath: string;
  readonly log: TaskLog;
  /** Evaluates an expression in the task's scope; throws with the expression's problem. */
  evaluate(expression: string): Value;
  /** Replaces every @[Scope::Name] in a text with the referenced value (text form). */
  substitute(text: string): string;
  /** Reads a variable or parameter: "User::X", "$Package::P", "$Project::P", "System::X". */
  getVariable(reference: string): Value;
  /**
   * Sets a user variable ("User::X"), converting the value to the variable's data type. Throws when
   * the variable is unknown, read-only or the value does not convert.
   */
  setVariable(reference: string, value: unknown): void;
  /**
   * Opens (once per package run) the named connection manager of the package or project and
   * checks it is of the expected type. The engine closes every connection when the package ends.
   */
  connection<T extends ConnectionType>(name: string, type: T | readonly T[]): Promise<ConnectionHandle<T>>;
  /**
   * Every name the task can read with getVariable: user variables visible to it ("User::Name",
   * inner scopes hiding outer ones), parameters ("$Project::Name", "$Package::Name") and system
   * variables ("System::Name").
   */
  variableNames?(): string[];
  /** Registers a value to be masked (********) in every message from now on. */
  addSecret(value: string): void;
}

export type TaskRunner<T> = (task: T, context: TaskContext) => Promise<void>;
