import { describe, expect, it } from 'vitest';
import { editText, parseTypedValue, serverValueText, valueText } from './typedValue';

describe('parseTypedValue', () => {
  it('converts text to each data type', () => {
    expect(parseTypedValue('String', ' a b ', 'X')).toEqual({ ok: true, value: ' a b ' });
    expect(parseTypedValue('Boolean', 'True', 'X')).toEqual({ ok: true, value: true });
    expect(parseTypedValue('Boolean', '0', 'X')).toEqual({ ok: true, value: false });
    expect(parseTypedValue('Int32', '-12', 'X')).toEqual({ ok: true, value: -12 });
    expect(parseTypedValue('Int64', '9007199254740991', 'X')).toEqual({ ok: true, value: 9007199254740991 });
    expect(parseTypedValue('Double', '1.5e3', 'X')).toEqual({ ok: true, value: 1500 });
    expect(parseTypedValue('Decimal', '12.50', 'X')).toEqual({ ok: true, value: '12.50' });
    expect(parseTypedValue('DateTime', '2026-01-31T08:00:00Z', 'X')).toEqual({
      ok: true,
      value: '2026-01-31T08:00:00Z',
    });
  });

  it('refuses what does not fit, naming the field', () => {
    expect(parseTypedValue('Boolean', 'maybe', 'Flag')).toEqual({
      ok: false,
      error: 'Flag: expected true or false',
    });
    expect(parseTypedValue('Int32', '1.5', 'Days')).toEqual({
      ok: false,
      error: 'Days: expected a whole number (Int32)',
    });
    expect(parseTypedValue('Int32', '2147483648', 'Days')).toEqual({
      ok: false,
      error: 'Days: out of the Int32 range',
    });
    expect(parseTypedValue('Int64', '99999999999999999999', 'N')).toEqual({
      ok: false,
      error: 'N: out of the supported Int64 range',
    });
    expect(parseTypedValue('Double', '', 'Rate')).toEqual({ ok: false, error: 'Rate: expected a number' });
    expect(parseTypedValue('Decimal', '1,5', 'Price').ok).toBe(false);
    expect(parseTypedValue('DateTime', 'yesterday', 'When').ok).toBe(false);
  });
});

describe('value texts', () => {
  it('masks sensitive values and shows NULL', () => {
    expect(valueText('secret', true)).toBe('********');
    expect(valueText(null, false)).toBe('NULL');
    expect(valueText(false, false)).toBe('false');
  });
  it('shows a server value or the variable it references', () => {
    expect(serverValueText(null, false)).toBe('');
    expect(serverValueText({ kind: 'value', value: 5 }, false)).toBe('5');
    expect(serverValueText({ kind: 'value', value: null }, true)).toBe('********');
    expect(serverValueText({ kind: 'reference', variableName: 'ConnStr' }, true)).toBe('ConnStr');
  });
  it('starts an editor empty for sensitive and NULL values', () => {
    expect(editText('x', true)).toBe('');
    expect(editText(null, false)).toBe('');
    expect(editText(3, false)).toBe('3');
  });
});
