/**
 * What the flat file and JSON lines sources share: reading a file as decoded text chunk by chunk
 * (memory stays bounded whatever the file's size) and progress by bytes read; sourceRows.ts sends
 * the rows.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ScaleOutError } from '../../../../master-core/protocol/errors';
import type { ComponentContext } from '../types';
import type { CsvRecord, CsvRecordReader } from './csvRecords';
import type { SourceRows } from './sourceRows';

const CHUNK_BYTES = 256 * 1024;

export interface TextChunk {
  text: string;
  /** Offsets in `text` of the U+FFFD that stand for bytes not valid in the encoding. */
  invalidAt: number[];
  /** Bytes read from the file so far. */
  bytesRead: number;
}

interface Decoded {
  text: string;
  invalidAt: number[];
}

/**
 * The length of a valid UTF-8 sequence at `i`, or minus the length of the invalid part to replace
 * by one U+FFFD (its maximal valid prefix, as the WHATWG decoder does).
 */
function utf8SequenceAt(bytes: Buffer, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  let need: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) need = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f; // no surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f; // nothing past U+10FFFF
  } else return -1;
  for (let k = 1; k <= need; k++) {
    const byte = bytes[i + k];
    if (byte === undefined || byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) return -k;
  }
  return need + 1;
}

/** Decodes UTF-8, each invalid sequence becoming one U+FFFD whose offset is returned. */
export function decodeUtf8(bytes: Buffer): Decoded {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), invalidAt: [] };
  const parts: string[] = [];
  const invalidAt: number[] = [];
  let length = 0;
  let run = 0;
  for (let i = 0; i < bytes.length;) {
    const size = utf8SequenceAt(bytes, i);
    if (size > 0) {
      i += size;
      continue;
    }
    const valid = bytes.toString('utf8', run, i);
    parts.push(valid, '\uFFFD');
    invalidAt.push(length + valid.length);
    length += valid.length + 1;
    i -= size;
    run = i;
  }
  parts.push(bytes.toString('utf8', run));
  return { text: parts.join(''), invalidAt };
}

/** Decodes ASCII; a byte above 0x7F becomes U+FFFD (Node's own decoder would drop its high bit). */
function decodeAscii(bytes: Buffer): Decoded {
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), invalidAt: [] };
  const invalidAt: number[] = [];
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x80) text += String.fromCharCode(bytes[i]!);
    else {
      invalidAt.push(i);
      text += '\uFFFD';
    }
  }
  return { text, invalidAt };
}

/** The length of `bytes` without a multi-byte UTF-8 character cut at its end. */
export function completeLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return bytes.length;
    if (byte >= 0xc0) {
      const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return size > back ? bytes.length - back : bytes.length;
    }
  }
  return bytes.length;
}

/** A decoder for chunks of a file: characters cut between chunks are carried to the next. */
function createDecoder(encoding: BufferEncoding): (bytes: Buffer | null) => Decoded {
  if (encoding === 'utf8' || encoding === 'utf-8') {
    let tail: Buffer | null = null;
    return (bytes) => {
      let all = tail ? (bytes ? Buffer.concat([tail, bytes]) : tail) : (bytes ?? Buffer.alloc(0));
      tail = null;
      if (bytes) {
        const cut = completeLength(all);
        tail = cut < all.length ? all.subarray(cut) : null;
        all = all.subarray(0, cut);
      }
      return decodeUtf8(all);
    };
  }
  if (encoding === 'ascii') return (bytes) => decodeAscii(bytes ?? Buffer.alloc(0));
  const decoder = new StringDecoder(encoding);
  return (bytes) => ({ text: bytes ? decoder.write(bytes) : decoder.end(), invalidAt: [] });
}

/**
 * Reads a file as text chunk by chunk: utf8 and ascii mark their invalid bytes (U+FFFD),
 * utf16le and latin1 read every byte. A byte order mark at the start is removed.
 */
export async function* readTextChunks(path: string, encoding: BufferEncoding): AsyncGenerator<TextChunk> {
  const decode = createDecoder(encoding);
  let bytesRead = 0;
  let first = true;
  const chunk = ({ text, invalidAt }: Decoded): TextChunk => {
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff)
        return { text: text.slice(1), invalidAt: invalidAt.map((at) => at - 1), bytesRead };
    }
    return { text, invalidAt, bytesRead };
  };
  for await (const bytes of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    bytesRead += bytes.length;
    yield chunk(decode(bytes));
  }
  const rest = decode(null);
  if (rest.text.length > 0) yield chunk(rest);
}

/** The file's size, or a clear error when it is missing. */
export async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new ScaleOutError('VALIDATION_FAILED', `${path} is a folder, not a file`);
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ScaleOutError('NOT_FOUND', `the file ${path} does not exist`, { cause: error });
    throw error;
  }
}

/** Reports progress at every 5% of the file read: at most 20 messages. */
function createProgress(context: ComponentContext, label: string, totalBytes: number) {
  let next = 5;
  return (bytesRead: number, rows: number) => {
    const percent = totalBytes === 0 ? 100 : Math.floor((bytesRead / totalBytes) * 100);
    if (percent < next) return;
    next = Math.floor(percent / 5) * 5 + 5;
    context.task.log.progress(percent, `${label}: ${rows} rows read`);
  };
}

/**
 * Feeds the file's text to the reader and each record to `take` (which returns a promise when it
 * sends a full buffer: awaiting it is the backpressure), then sends what is left.
 */
export async function pumpRecords(
  context: ComponentContext,
  file: { path: string; encoding: BufferEncoding },
  reader: CsvRecordReader,
  take: (record: CsvRecord) => Promise<void> | undefined,
  out: SourceRows,
): Promise<void> {
  const progress = createProgress(context, basename(file.path), await fileSize(file.path));
  const drain = async () => {
    for (let record = reader.next(); record !== null; record = reader.next()) {
      const sending = take(record);
      if (sending) await sending;
    }
  };
  for await (const chunk of readTextChunks(file.path, file.encoding)) {
    reader.push(chunk.text, chunk.invalidAt);
    await drain();
    context.signal.throwIfAborted();
    progress(chunk.bytesRead, out.rows);
  }
  reader.end();
  await drain();
  await out.finish();
}
