/**
 * Foreach Loop enumerators: what a Foreach Loop container iterates over, and how one item is
 * mapped into variables (variableMappings: index for arrays, column name for records).
 */
import { readdir } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import type { ForeachEnumerator } from '../../master-core/protocol/packageFormat';
import type { ConnectionHandle, ConnectionType } from './connections/types';
import type { Value } from './taskApi';
import { toValue } from './tasks/executeSqlTask';
import type { Scope } from './variables';

export interface EnumeratorContext {
  scope: Scope;
  workDir: string;
  substitute(text: string): string;
  connection<T extends ConnectionType>(name: string, type: T | readonly T[]): Promise<ConnectionHandle<T>>;
}

/** A file pattern with * and ? (Foreach File enumerator), matched case-sensitively except on Windows. */
export function patternRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, process.platform === 'win32' ? 'i' : '');
}

async function listFiles(folder: string, match: RegExp, recurse: boolean): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (recurse) out.push(...(await listFiles(full, match, recurse)));
    } else if (entry.isFile() && match.test(entry.name)) out.push(full);
  }
  return out;
}

export async function enumerate(enumerator: ForeachEnumerator, context: EnumeratorContext): Promise<Value[]> {
  switch (enumerator.type) {
    case 'items':
      return enumerator.items as Value[];
    case 'files': {
      const folderText = context.substitute(enumerator.folder);
      const folder = isAbsolute(folderText) ? folderText : resolve(context.workDir, folderText);
      let files: string[];
      try {
        files = await listFiles(
          folder,
          patternRegex(context.substitute(enumerator.pattern)),
          enumerator.recurse,
        );
      } catch (error) {
        throw new Error(`Foreach File enumerator cannot list ${folder}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return files.map((file) =>
        enumerator.retrieve === 'FullyQualified'
          ? file
          : enumerator.retrieve === 'NameAndExtension'
            ? basename(file)
            : basename(file, extname(file)),
      );
    }
    case 'rows': {
      const connection = await context.connection(enumerator.connection, ['sqlite', 'postgresql']);
      const result = await connection.query(enumerator.query);
      return result.rows.map((row) => toValue(row));
    }
    case 'variable': {
      const value = context.scope.get(enumerator.variable);
      if (!Array.isArray(value))
        throw new Error(`Foreach From Variable: ${enumerator.variable} must hold an array (Object variable)`);
      return value;
    }
  }
}

/** The part of an item a variable mapping takes. */
export function mapItem(item: Value, index: number | string, variable: string): Value {
  if (typeof index === 'string') {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || item instanceof Date)
      throw new Error(`mapping ${variable} to column ${index}: the item is not a row`);
    const key = Object.keys(item).find((k) => k.toLowerCase() === index.toLowerCase());
    if (key === undefined)
      throw new Error(
        `mapping ${variable}: the row has no column ${index} (it has ${Object.keys(item).join(', ')})`,
      );
    return item[key]!;
  }
  if (Array.isArray(item)) {
    if (index >= item.length) throw new Error(`mapping ${variable}: the item has no index ${index}`);
    return item[index]!;
  }
  if (item !== null && typeof item === 'object' && !(item instanceof Date)) {
    const values = Object.values(item);
    if (index >= values.length) throw new Error(`mapping ${variable}: the row has no column ${index}`);
    return values[index]!;
  }
  if (index !== 0) throw new Error(`mapping ${variable}: the item is a single value; use index 0`);
  return item;
}
