import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ConnectionManagerDef } from '../../../master-core/protocol/packageFormat';
import type { FlatFileConnection } from './types';

export type FlatFileConnectionDef = Extract<ConnectionManagerDef, { type: 'flatFile' }>;

/**
 * A flat file connection names a file; opening only checks its folder exists, because a task
 * may be about to create the file. The path resolves against the work directory.
 */
export function openFlatFile(def: FlatFileConnectionDef, workDir: string): FlatFileConnection {
  const path = resolve(workDir, def.connectionString.trim());
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new Error(`the folder ${folder} does not exist`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new Error(`${path} is a folder, not a file`);
  }
  return {
    type: 'flatFile',
    path,
    delimiter: def.delimiter,
    textQualifier: def.textQualifier,
    columnNamesInFirstDataRow: def.columnNamesInFirstDataRow,
    encoding: def.encoding,
    close: () => Promise.resolve(),
  };
}
