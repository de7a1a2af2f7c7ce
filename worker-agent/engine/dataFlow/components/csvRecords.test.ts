import { describe, expect, it } from 'vitest';
import type { CsvDialect, CsvRecord } from './csvRecords';
import { createCsvRecordReader } from './csvRecords';

const CSV: CsvDialect = { delimiter: ',', qualifier: '"' };

/** Reads text pushed in pieces of `size` characters (Infinity: at once). */
function read(
  text: string,
  { dialect = CSV, size = Infinity, max }: { dialect?: CsvDialect; size?: number; max?: number } = {},
  /** Offsets in `text` of U+FFFD that stand for invalid bytes. */
  invalidAt: readonly number[] = [],
): CsvRecord[] {
  const reader = createCsvRecordReader(dialect, { maxRecordChars: max });
  const out: CsvRecord[] = [];
  const drain = () => {
    for (let r = reader.next(); r !== null; r = reader.next()) out.push(r);
  };
  const step = Number.isFinite(size) ? size : text.length || 1;
  for (let i = 0; i < text.length; i += step) {
    const piece = text.slice(i, i + step);
    reader.push(
      piece,
      invalidAt.filter((at) => at >= i && at < i + piece.length).map((at) => at - i),
    );
    drain();
  }
  reader.end();
  drain();
  return out;
}
const fields = (records: CsvRecord[]) => records.map((r) => r.fields);
const summary = (records: CsvRecord[]) =>
  records.map((r) => ({ line: r.line, raw: r.raw, problem: r.problem?.message ?? null }));

describe('csv records', () => {
  it('splits fields and records on LF and CRLF, without a trailing line break too', () => {
    expect(fields(read('a,b,c\n1,2,3\r\n4,5,6'))).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  it('reads quoted fields: delimiters, doubled qualifiers, LF and CRLF inside, empty quoted', () => {
    const records = read('1,"a, b","say ""hi""",""\r\n2,"two\nlines","crlf\r\ninside",x\n3,4,5,6\n');
    expect(fields(records)).toEqual([
      ['1', 'a, b', 'say "hi"', ''],
      ['2', 'two\nlines', 'crlf\r\ninside', 'x'],
      ['3', '4', '5', '6'],
    ]);
    // Line numbers count the line breaks inside quoted fields.
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(records[1]!.raw).toBe('2,"two\nlines","crlf\r\ninside",x');
  });

  it('gives the same records whatever the chunk size', () => {
    const text =
      'id,name,note\r\n1,"Smith, J","a ""quoted""\r\nnote"\r\n\r\n2,plain,x\n3,"ends with quote""",\n4,,"last"';
    const whole = read(text);
    for (const size of [1, 2, 3, 5, 7, 13]) expect(read(text, { size })).toEqual(whole);
    expect(fields(whole)).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Smith, J', 'a "quoted"\r\nnote'],
      ['2', 'plain', 'x'],
      ['3', 'ends with quote"', ''],
      ['4', '', 'last'],
    ]);
    expect(whole.map((r) => r.line)).toEqual([1, 2, 5, 6, 7]);
  });

  it('skips empty lines but counts them', () => {
    const records = read('a\n\n\r\nb\n\n');
    expect(summary(records)).toEqual([
      { line: 1, raw: 'a', problem: null },
      { line: 4, raw: 'b', problem: null },
    ]);
  });

  it('keeps a qualifier inside an unquoted field as a plain character', () => {
    expect(fields(read('5 1/2",ab"c,"q"\n'))).toEqual([['5 1/2"', 'ab"c', 'q']]);
  });

  it('reports text after a closing qualifier and goes on at the next line', () => {
    for (const size of [Infinity, 1, 4]) {
      const records = read('1,"ab"c,3\n2,ok,4\n', { size });
      expect(summary(records)).toEqual([
        { line: 1, raw: '1,"ab"c,3', problem: 'unexpected text after the closing text qualifier "' },
        { line: 2, raw: '2,ok,4', problem: null },
      ]);
      expect(records[0]!.problem!.field).toBe(1);
    }
  });

  it('reports a qualifier never closed as a malformed first line and re-reads the lines after it', () => {
    for (const size of [Infinity, 1, 3]) {
      const records = read('1,"open,2\n3,4,5\n6,7,8', { size });
      expect(summary(records)).toEqual([
        {
          line: 1,
          raw: '1,"open,2',
          problem: 'unbalanced text qualifier " (the quoted field is never closed)',
        },
        { line: 2, raw: '3,4,5', problem: null },
        { line: 3, raw: '6,7,8', problem: null },
      ]);
      expect(records[0]!.problem!.field).toBe(1);
    }
  });

  it('resynchronises when an unclosed qualifier swallows lines up to a later quoted field', () => {
    const records = read('1,"open,x\n2,b,c\n3,"quoted",d\n4,e,f\n');
    expect(summary(records)).toEqual([
      {
        line: 1,
        raw: '1,"open,x',
        problem: 'unbalanced text qualifier " (the quoted field does not close properly)',
      },
      { line: 2, raw: '2,b,c', problem: null },
      { line: 3, raw: '3,"quoted",d', problem: null },
      { line: 4, raw: '4,e,f', problem: null },
    ]);
  });

  it('bounds the memory of an unclosed qualifier: the record fails at the limit, reading goes on', () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},row ${i}`).join('\n');
    const records = read(`x,"never closed\n${body}\n`, { size: 16, max: 100 });
    expect(records[0]).toMatchObject({
      line: 1,
      raw: 'x,"never closed',
      problem: { message: 'unbalanced text qualifier " (not closed within 100 characters)' },
    });
    expect(records.slice(1).map((r) => r.fields)).toEqual(
      Array.from({ length: 50 }, (_, i) => [String(i), `row ${i}`]),
    );
    expect(records[50]!.line).toBe(51);
  });

  it('reports a line longer than the limit and skips the rest of it', () => {
    const records = read(`a,b\n${'x'.repeat(500)}\nc,d\n`, { size: 32, max: 100 });
    expect(records.map((r) => [r.line, r.problem?.message ?? null, r.raw.length])).toEqual([
      [1, null, 3],
      [2, 'the record is longer than 100 characters', 100],
      [3, null, 3],
    ]);
  });

  it('handles a multi-character delimiter and no text qualifier', () => {
    expect(fields(read('a||"b||c\n1||2||3', { dialect: { delimiter: '||', qualifier: '' } }))).toEqual([
      ['a', '"b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(fields(read('a;;"b;;c";;d\n', { dialect: { delimiter: ';;', qualifier: '"' } }))).toEqual([
      ['a', 'b;;c', 'd'],
    ]);
    expect(fields(read("1\t'x\ty'\n", { dialect: { delimiter: '\t', qualifier: "'" } }))).toEqual([
      ['1', 'x\ty'],
    ]);
  });

  it('flags the records holding a U+FFFD that the decoder put for invalid bytes, and only those', () => {
    const text = 'ok,\uFFFD genuine\nbad,\uFFFD\nok,plain,\uFFFD\n';
    const invalid = [text.indexOf('bad') + 4];
    for (const size of [Infinity, 1, 5])
      expect(read(text, { size }, invalid).map((r) => r.invalidText)).toEqual([false, true, false]);
  });
});
