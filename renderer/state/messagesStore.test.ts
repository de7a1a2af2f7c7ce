import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../master-core/protocol/api';
import { appendMessages, lastMessageId } from './messagesStore';

const message = (messageId: number): MessageRow => ({
  messageId,
  executionId: 1,
  attemptNumber: 1,
  packagePath: '\\Package',
  time: '2026-01-01T00:00:00.000Z',
  messageType: 70,
  sourceType: 30,
  sourceName: 'Load',
  message: `m${messageId}`,
});

describe('appendMessages', () => {
  it('appends in id order and drops repeats', () => {
    const shown = [message(1), message(2)];
    const next = appendMessages(shown, [message(4), message(2), message(3), message(4)]);
    expect(next.map((m) => m.messageId)).toEqual([1, 2, 3, 4]);
  });

  it('returns the same array when nothing is new', () => {
    const shown = [message(1)];
    expect(appendMessages(shown, [message(1)])).toBe(shown);
  });
});

describe('lastMessageId', () => {
  it('is the highest id, or 0', () => {
    expect(lastMessageId([])).toBe(0);
    expect(lastMessageId([message(3), message(9), message(5)])).toBe(9);
  });
});
