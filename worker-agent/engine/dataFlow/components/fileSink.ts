/**
 * What the flat file and JSON lines destinations share: text written to a temporary file beside
 * the target (so readers never see half a file, and a failed or cancelled run leaves the old file
 * as it was), waiting for the stream to drain, then renamed over the target at the end. UTF-16
 * files get a byte order mark.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { link, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { ScaleOutError } from '../../../../master-core/protocol/errors';
import type { ComponentRuntime, Row } from '../types';

export interface FileSink {
  /** Writes text; resolves at once, or when the stream has drained if its buffer is full. */
  write(text: string): Promise<void>;
  /** Closes the temporary file and puts it in place of the target. */
  commit(): Promise<void>;
  /** Removes the temporary file unless committed; never throws. */
  abort(): Promise<void>;
}

const exists = (path: string) =>
  new ScaleOutError('CONFLICT', `${path} already exists and overwrite is false`, { field: 'overwrite' });

/** Where the rename does not overwrite: link (fails if the target exists), then drop the temp name. */
async function placeWithoutOverwrite(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(path);
    // File systems without hard links: check, then rename (a small race we accept there).
    if (existsSync(path)) throw exists(path);
    await rename(temp, path);
    return;
  }
  await unlink(temp);
}

export async function openFileSink(
  path: string,
  encoding: BufferEncoding,
  overwrite: boolean,
): Promise<FileSink> {
  if (!overwrite && existsSync(path)) throw exists(path);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const stream = createWriteStream(temp, { flags: 'wx' });
  let failure: Error | null = null;
  stream.on('error', (error) => (failure ??= error));
  await new Promise<void>((resolve, reject) => {
    stream.once('ready', resolve);
    stream.once('error', reject);
  });
  let state: 'open' | 'committed' | 'aborted' = 'open';
  // UTF-16 files start with a byte order mark so other programs detect them; UTF-8 ones do not.
  if (encoding === 'utf16le') stream.write('\uFEFF', encoding);

  return {
    async write(text) {
      if (failure) throw failure;
      if (stream.write(text, encoding)) return;
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          stream.off('drain', done);
          stream.off('error', done);
          stream.off('close', done);
          if (error) reject(error);
          else if (failure) reject(failure);
          else resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
        stream.on('close', done);
      });
    },
    async commit() {
      if (state !== 'open') throw new Error(`the file ${path} was already ${state}`);
      stream.end();
      await finished(stream);
      if (failure) throw failure;
      if (overwrite) await rename(temp, path);
      else await placeWithoutOverwrite(temp, path);
      state = 'committed';
    },
    async abort() {
      if (state !== 'open') return;
      state = 'aborted';
      stream.destroy();
      await finished(stream).catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
    },
  };
}

/**
 * A file destination's runtime: `open` runs once, at the first buffer or at the end (so an empty
 * input still writes its file); each buffer is written as the text `textOf` makes of it; `end`
 * puts the file in place, `close` removes the temporary file unless it was.
 */
export function fileDestination<T extends { sink: FileSink }>(
  open: () => Promise<T>,
  textOf: (opened: T, rows: Row[]) => string,
): ComponentRuntime {
  let opening: Promise<T> | null = null;
  const opened = () => (opening ??= open());
  return {
    async receive(_input, rows) {
      const target = await opened();
      await target.sink.write(textOf(target, rows));
    },
    async end() {
      const { sink } = await opened();
      await sink.commit();
    },
    async close() {
      const target = await opening?.catch(() => null);
      await target?.sink.abort();
    },
  };
}
