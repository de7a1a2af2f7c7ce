import { join } from 'node:path';
import type { Command } from 'commander';
import { CATALOG_FILE_NAME, backupCatalog, restoreCatalog } from '../../master-core/catalog/backup';
import type { CatalogCopy } from '../../master-core/catalog/backup';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { defaultDataDir } from '../paths';

/** `scaleout catalog backup|restore`: copies of the catalog, made safely while the master runs. */

type Write = (text: string) => void;

/** The library names its parameters; the user knows the flags and arguments. */
const flagOf: Record<string, string> = {
  catalogFile: '--data-dir',
  dataDir: '--data-dir',
  targetFile: 'file',
  backupFile: 'file',
};

async function asCli<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScaleOutError && error.field && flagOf[error.field]) {
      throw new ScaleOutError(error.code, error.message, { field: flagOf[error.field]!, cause: error });
    }
    throw error;
  }
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ScaleOutError('VALIDATION_FAILED', `${field} must not be empty`, { field });
  }
  return value;
}

export function describeSize(sizeBytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = sizeBytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const short = unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
  return unit === 0 ? short : `${short} (${sizeBytes.toLocaleString('en-US')} bytes)`;
}

const details = (copy: CatalogCopy) => [
  `  size:             ${describeSize(copy.sizeBytes)}`,
  `  schema version:   ${copy.userVersion} (PRAGMA user_version)`,
  `  integrity_check:  ok`,
];

export async function backupCommand(
  file: string,
  flags: { dataDir: string; force: boolean },
  write: Write,
): Promise<void> {
  const dataDir = requireText(flags.dataDir, '--data-dir');
  const target = requireText(file, 'file');
  const result = await asCli(() =>
    backupCatalog(join(dataDir, CATALOG_FILE_NAME), target, { force: flags.force }),
  );
  write([`Backed up ${result.catalogFile}`, `       to ${result.file}`, ...details(result), ''].join('\n'));
}

export async function restoreCommand(file: string, flags: { dataDir: string }, write: Write): Promise<void> {
  const dataDir = requireText(flags.dataDir, '--data-dir');
  const backup = requireText(file, 'file');
  const result = await asCli(() => restoreCatalog(backup, dataDir));
  write(
    [
      `Restored ${result.backupFile}`,
      `      to ${result.file}`,
      ...details(result),
      result.movedAside
        ? `  the previous catalog was moved aside (not deleted): ${result.movedAside}`
        : '  there was no previous catalog',
      `Start the master again: scaleout master --data-dir ${dataDir}`,
      '',
    ].join('\n'),
  );
}

export function registerCatalogAdmin(
  program: Command,
  write: Write = (text) => void process.stdout.write(text),
): Command {
  // `scaleout catalog` may already hold other catalog commands: join it rather than clash with it.
  const catalog =
    program.commands.find((command) => command.name() === 'catalog') ??
    program.command('catalog').description('manage the catalog');
  catalog
    .command('backup <file>')
    .description('copy the catalog to <file> (SQLite online backup: the master may keep running)')
    .option('--data-dir <dir>', 'data directory of the master (env SCALEOUT_DATA_DIR)', defaultDataDir())
    .option('--force', 'overwrite <file> if it exists', false)
    .action((file: string, flags: { dataDir: string; force: boolean }) => backupCommand(file, flags, write));
  catalog
    .command('restore <file>')
    .description('replace the catalog with a backup; the master must be stopped')
    .option('--data-dir <dir>', 'data directory of the master (env SCALEOUT_DATA_DIR)', defaultDataDir())
    .action((file: string, flags: { dataDir: string }) => restoreCommand(file, flags, write));
  return catalog;
}
