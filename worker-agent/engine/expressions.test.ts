import { describe, expect, it } from 'vitest';
import { expressionProblems, parseExpression } from '../../master-core/protocol/expressionLanguage';
import { evaluateParsed } from './expressions';
import type { Value } from './taskApi';

const values: Record<string, Value> = {
  'User::Count': 7,
  'User::Name': 'orders',
  'User::Flag': true,
  'User::Nothing': null,
  'User::When': new Date('2026-03-15T10:30:00Z'),
  '$Package::Mode': 'full',
  'System::MachineName': 'w1',
};
const run = (source: string) =>
  evaluateParsed(parseExpression(source), (r) => {
    if (!(r in values)) throw new Error(`unknown ${r}`);
    return values[r]!;
  });

describe('expression language', () => {
  it('reads references, operators and precedence as SSIS does', () => {
    expect(run('@[User::Count] + 3 * 2')).toBe(13);
    expect(run('(@[User::Count] + 3) * 2')).toBe(20);
    expect(run('@[User::Count] / 2')).toBe(3.5); // unlike SSIS: numbers carry no integer type
    expect(run('(DT_I4)(@[User::Count] / 2)')).toBe(4);
    expect(run('@[User::Count] / 2.0')).toBe(3.5);
    expect(run('@[User::Count] % 4')).toBe(3);
    expect(run('@[User::Count] > 5 && @[$Package::Mode] == "full"')).toBe(true);
    expect(run('!@[User::Flag] || @Count == 7')).toBe(true);
    expect(run('@[User::Count] >= 10 ? "big" : "small"')).toBe('small');
    expect(run('"file_" + @[User::Name] + ".csv"')).toBe('file_orders.csv');
    expect(run('"a\\"b\\n"')).toBe('a"b\n');
    expect(run('TRUE != false')).toBe(true);
  });

  it('casts with SSIS syntax', () => {
    expect(run('"n=" + (DT_WSTR, 10)@[User::Count]')).toBe('n=7');
    expect(run('(DT_I4)"42" + 1')).toBe(43);
    expect(run('(DT_I4)2.6')).toBe(3);
    expect(run('(DT_BOOL)"true"')).toBe(true);
    expect(run('(DT_R8)@[User::Count] / 2')).toBe(3.5);
    expect(run('YEAR((DT_DBTIMESTAMP)"2024-02-29T00:00:00Z")')).toBe(2024);
    expect(() => run('(DT_I1)300')).toThrow(/out of range -128\.\.127/);
    expect(() => run('(DT_I4)"abc"')).toThrow(/cannot convert "abc" to a number/);
  });

  it('has the SSIS string, math, date and NULL functions', () => {
    expect(run('UPPER(@[User::Name]) + LOWER("X") + (DT_WSTR,5)LEN("abc")')).toBe('ORDERSx3');
    expect(run('SUBSTRING("abcdef", 2, 3)')).toBe('bcd');
    expect(run('RIGHT("0" + (DT_WSTR, 2)MONTH(@[User::When]), 2)')).toBe('03');
    expect(run('LEFT("abcdef", 2) + REPLACE("a-b-c", "-", "+")')).toBe('aba+b+c');
    expect(run('FINDSTRING("a,b,c", ",", 2)')).toBe(4);
    expect(run('TOKEN("a;b;;c", ";", 3)')).toBe('c');
    expect(run('TOKENCOUNT("a;b;;c", ";")')).toBe(3);
    expect(run('TRIM("  x ") + REPLICATE("-", 3) + REVERSE("abc")')).toBe('x---cba');
    expect(run('ROUND(2.345, 2) + ABS(-1) + CEILING(0.2) + FLOOR(1.8) + POWER(2, 3)')).toBeCloseTo(13.35);
    expect(run('DATEPART("dd", @[User::When]) + DATEPART("hh", @[User::When])')).toBe(25);
    expect(run('DATEADD("month", 1, @[User::When])')).toEqual(new Date('2026-04-15T10:30:00Z'));
    expect(run('DATEADD("d", -15, @[User::When])')).toEqual(new Date('2026-02-28T10:30:00Z'));
    expect(run('DATEDIFF("day", @[User::When], DATEADD("hh", 20, @[User::When]))')).toBe(1);
    expect(run('DATEDIFF("yy", (DT_DATE)"2020-12-31", @[User::When])')).toBe(6);
    expect(run('ISNULL(@[User::Nothing]) && !ISNULL(@[User::Name])')).toBe(true);
    expect(run('REPLACENULL(@[User::Nothing], "none")')).toBe('none');
    expect(run('@[User::Nothing] + 1')).toBe(null);
    expect(run('@[User::Nothing] == NULL')).toBe(true);
    const now = run('GETDATE()') as Date;
    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('fails with messages that name the problem', () => {
    expect(() => run('"a" + 1')).toThrow(/\+ cannot join String and Integer: cast first/);
    expect(() => run('@[User::Count] / 0')).toThrow(/divide by zero/);
    expect(() => run('@[User::Count] && TRUE')).toThrow(/&& needs a Boolean, got Integer/);
    expect(() => run('"a" < 1')).toThrow(/cannot compare String with Integer/);
    expect(() => run('SUBSTRING("abc", 0, 1)')).toThrow(/start must be 1 or more/);
    expect(() => run('DATEADD("fortnight", 1, GETDATE())')).toThrow(/unknown date part "fortnight"/);
  });

  it('refuses at parse what it cannot run, and never runs JavaScript', () => {
    const problems = (s: string, assignment = false) =>
      expressionProblems(s, (r) => r in values, { assignment });
    expect(problems('@[User::Count] +')).toEqual([expect.stringMatching(/Expected expression/)]);
    expect(problems('FOO(1)')).toEqual([expect.stringMatching(/unknown function FOO/)]);
    expect(problems('LEN(1, 2)')).toEqual([expect.stringMatching(/LEN takes 1 argument\(s\), got 2/)]);
    expect(problems('Count + 1')).toEqual([
      expect.stringMatching(/unknown name Count: write variables as @\[User::Count\]/),
    ]);
    expect(problems('@[User::Missing] + @[$Package::Nope]')).toEqual([
      expect.stringMatching(/unknown reference @\[User::Missing\]/),
      expect.stringMatching(/unknown reference @\[\$Package::Nope\]/),
    ]);
    expect(problems('constructor.constructor("return process")()')).toEqual([
      expect.stringMatching(/only functions can be called|unsupported syntax|unknown name/),
    ]);
    expect(problems('this')).not.toEqual([]);
    expect(problems('[1, 2]')).toEqual([expect.stringMatching(/unsupported syntax \(ArrayExpression\)/)]);
    expect(problems('a === b')).not.toEqual([]);
    expect(problems('(DT_FOO)1')).toEqual([expect.stringMatching(/unknown cast DT_FOO/)]);
    expect(problems('"open')).toEqual([expect.stringMatching(/unterminated string/)]);
    expect(problems('@[User::Count] = 1')).not.toEqual([]);
    expect(problems('@[User::Count] = @[User::Count] + 1', true)).toEqual([]);
    expect(problems('@[System::MachineName] = "x"', true)).toEqual([
      expect.stringMatching(/only user variables can be assigned/),
    ]);
    expect(problems('1 + 1', true)).toEqual([expect.stringMatching(/must be an assignment/)]);
    // @[ inside a string literal is text, not a reference.
    expect(run('"@[User::Nope]"')).toBe('@[User::Nope]');
  });
});

describe('expression edge cases', () => {
  it('keeps month arithmetic within the month, counts weeks from Sunday, reads zone-less text as UTC', () => {
    expect(run('DATEADD("month", 1, (DT_DATE)"2024-01-31")')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(run('DATEADD("yy", 1, (DT_DATE)"2024-02-29")')).toEqual(new Date('2025-02-28T00:00:00Z'));
    expect(run('DATEADD("q", -1, (DT_DATE)"2024-05-31")')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(run('DATEDIFF("wk", (DT_DATE)"2024-01-06", (DT_DATE)"2024-01-07")')).toBe(1);
    expect(run('DATEDIFF("wk", (DT_DATE)"2024-01-07", (DT_DATE)"2024-01-13")')).toBe(0);
    expect(run('(DT_DATE)"2024-01-06 10:00:00"')).toEqual(new Date('2024-01-06T10:00:00Z'));
  });

  it('rounds halves away from zero and refuses results that are not numbers', () => {
    expect(run('ROUND(-2.5, 0)')).toBe(-3);
    expect(run('ROUND(2.5, 0)')).toBe(3);
    expect(run('(DT_I4)-2.5')).toBe(-3);
    expect(() => run('SQRT(-1)')).toThrow(/SQRT\(\) gives NaN/);
    expect(() => run('LOG(0)')).toThrow(/LOG\(\) gives -Infinity/);
    expect(() => run('REPLACE("abc", "", "x")')).toThrow(/must not be empty/);
  });

  it('compares only like with like, accepts null in any case, and wants double quotes', () => {
    expect(() => run('@[User::When] == 1.5')).toThrow(/cannot compare DateTime with Double/);
    expect(() => run('@[User::When] >= "2020-01-01"')).toThrow(/cannot compare DateTime with String/);
    expect(run('@[User::When] >= (DT_DATE)"2020-01-01"')).toBe(true);
    expect(run('ISNULL(null) && ISNULL(Null)')).toBe(true);
    expect(() => run("'abc'")).toThrow(/double quotes/);
  });
});
