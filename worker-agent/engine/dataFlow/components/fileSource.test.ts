import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completeLength, decodeUtf8, readTextChunks } from './fileSource';
import { useTempFolder } from './fileTestKit';

const folder = useTempFolder();

async function readAll(bytes: Buffer, encoding: BufferEncoding) {
  const path = join(folder.path, 'text.bin');
  await writeFile(path, bytes);
  let text = '';
  const invalidAt: number[] = [];
  for await (const chunk of readTextChunks(path, encoding)) {
    invalidAt.push(...chunk.invalidAt.map((at) => at + text.length));
    text += chunk.text;
  }
  return { text, invalidAt };
}

describe('file source text', () => {
  it('decodes invalid UTF-8 exactly as the WHATWG decoder does, giving each U+FFFD it added', () => {
    const cases = [
      [0x41, 0xc3, 0x28, 0x42], // bad continuation
      [0xe2, 0x82], // cut sequence
      [0xff, 0xfe, 0x41], // bytes never valid
      [0xed, 0xa0, 0x80], // a surrogate
      [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
      [0xc0, 0xaf], // overlong
      [0xef, 0xbf, 0xbd, 0x80], // a genuine U+FFFD, then a stray continuation
      [0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x9f, 0x98], // an emoji, then a cut one
    ];
    const whatwg = new TextDecoder('utf-8');
    for (const bytes of cases) {
      const buffer = Buffer.from(bytes);
      const { text, invalidAt } = decodeUtf8(buffer);
      expect(text).toBe(whatwg.decode(buffer));
      for (const at of invalidAt) expect(text[at]).toBe('\uFFFD');
    }
    expect(decodeUtf8(Buffer.from([0xef, 0xbf, 0xbd, 0x80])).invalidAt).toEqual([1]);
  });

  it('never cuts a character between chunks: 256 KiB chunks over multi-byte text', async () => {
    const text = 'é€😀'.repeat(120_000) + '\n';
    const bytes = Buffer.from(text);
    expect(bytes.length).toBeGreaterThan(3 * 256 * 1024);
    expect(await readAll(bytes, 'utf8')).toEqual({ text, invalidAt: [] });
    const wide = Buffer.from(`\uFEFF${text}`, 'utf16le');
    expect(await readAll(wide, 'utf16le')).toEqual({ text, invalidAt: [] });
  });

  it('strips a byte order mark and keeps invalid offsets right after it', async () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFFab'), Buffer.from([0xff]), Buffer.from('c')]);
    expect(await readAll(bytes, 'utf8')).toEqual({ text: 'ab\uFFFDc', invalidAt: [2] });
  });

  it('ascii: bytes above 0x7F are invalid (Node would silently drop their high bit)', async () => {
    expect(await readAll(Buffer.from([0x41, 0xe9, 0x42]), 'ascii')).toEqual({
      text: 'A\uFFFDB',
      invalidAt: [1],
    });
  });

  it('completeLength keeps a cut multi-byte character for the next chunk', () => {
    const euro = Buffer.from('a€'); // 61 e2 82 ac
    expect(completeLength(euro)).toBe(4);
    expect(completeLength(euro.subarray(0, 3))).toBe(1);
    expect(completeLength(euro.subarray(0, 2))).toBe(1);
    expect(completeLength(Buffer.from([0x61, 0xf0, 0x9f, 0x98]))).toBe(1);
  });
});
