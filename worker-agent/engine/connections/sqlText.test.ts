import { describe, expect, it } from 'vitest';
import {
  hideQuotedValues,
  isCursorQuery,
  leadingKeyword,
  parseTableName,
  quoteTableName,
  withoutTrailingSemicolons,
} from './sqlText';

describe('table names', () => {
  it('splits on dots outside quotes and keeps quoted parts as written', () => {
    expect(parseTableName('orders')).toEqual(['orders']);
    expect(parseTableName('sales.orders')).toEqual(['sales', 'orders']);
    expect(parseTableName('"my.schema"."Order ""lines"""')).toEqual(['my.schema', 'Order "lines"']);
    expect(parseTableName('main."Sales 2024"')).toEqual(['main', 'Sales 2024']);
  });

  it('refuses what is not a name, saying why', () => {
    expect(() => parseTableName('a.')).toThrow('it ends with a dot');
    expect(() => parseTableName('"open')).toThrow('not closed');
    expect(() => parseTableName('a..b')).toThrow('each part must be a name');
    expect(() => parseTableName('""')).toThrow('quoted part is empty');
    expect(() => parseTableName('"a"b')).toThrow('separated by a dot');
    expect(() => parseTableName('a.b.c.d')).toThrow('at most database.schema.table');
  });

  it('quotes every part, doubling inner quotes', () => {
    expect(quoteTableName(['s', 'a"b'])).toBe('"s"."a""b"');
  });
});

describe('statement kinds', () => {
  it('finds the first keyword after comments, blanks and parentheses', () => {
    expect(leadingKeyword('  -- list\n /* all */ (SELECT 1)')).toBe('select');
    expect(leadingKeyword('with x as (select 1) select * from x')).toBe('with');
    expect(leadingKeyword('')).toBe('');
  });

  it('knows which statements a cursor can hold in each database', () => {
    expect(isCursorQuery('VALUES (1)', 'sqlite')).toBe(true);
    expect(isCursorQuery('PRAGMA table_info(t)', 'sqlite')).toBe(false);
    expect(isCursorQuery('TABLE orders', 'postgresql')).toBe(true);
    expect(isCursorQuery('TABLE orders', 'sqlite')).toBe(false);
    expect(isCursorQuery('INSERT INTO t VALUES (1) RETURNING *', 'postgresql')).toBe(false);
  });

  it('drops the semicolons that end a statement', () => {
    expect(withoutTrailingSemicolons('SELECT 1 ; ;\n')).toBe('SELECT 1');
  });
});

it('hides the values a database message quotes', () => {
  expect(hideQuotedValues('invalid input syntax for type integer: "s3cret"')).toBe(
    'invalid input syntax for type integer: "…"',
  );
  expect(hideQuotedValues('value "3000000000" is out of range for type integer')).toBe(
    'value "…" is out of range for type integer',
  );
});
