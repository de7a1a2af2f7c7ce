import { describe, expect, it } from 'vitest';
import { MASK, createMasker } from './mask';

describe('createMasker', () => {
  it('masks every occurrence, longest secret first', () => {
    const mask = createMasker(['hunter2', 'hunter2-long', 42424]);
    expect(mask('a hunter2-long b hunter2 c 42424')).toBe(`a ${MASK} b ${MASK} c ${MASK}`);
  });
  it('leaves short values and texts without secrets alone', () => {
    const mask = createMasker(['ab', null, undefined]);
    expect(mask('ab cd')).toBe('ab cd');
  });
});
