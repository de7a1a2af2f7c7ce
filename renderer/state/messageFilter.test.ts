import { describe, expect, it } from 'vitest';
import { MessageType } from '../../master-core/protocol/codes';
import { filterMessages } from './messageFilter';

const message = (messageId: number, messageType: number, message: string, sourceName = 'Task') => ({
  messageId,
  executionId: 1,
  attemptNumber: 1,
  time: '2026-01-01T00:00:00Z',
  messageType,
  sourceType: 40,
  sourceName,
  packagePath: `\\Package\\${sourceName}`,
  message,
});

const all = [
  message(1, MessageType.preExecute, 'Load: starting', 'Load'),
  message(2, MessageType.information, 'Read 10 rows', 'Load'),
  message(3, MessageType.warning, 'disk almost full', 'Copy'),
  message(4, MessageType.error, 'Copy: cannot open orders.csv', 'Copy'),
  message(5, MessageType.taskFailed, 'Copy failed.', 'Copy'),
];

describe('filterMessages', () => {
  it('keeps every message without a kind or a search', () => {
    expect(filterMessages(all, 'all', '  ')).toHaveLength(5);
  });
  it('keeps one kind', () => {
    expect(filterMessages(all, 'errors', '').map((m) => m.messageId)).toEqual([4, 5]);
    expect(filterMessages(all, 'problems', '').map((m) => m.messageId)).toEqual([3, 4, 5]);
  });
  it('searches the text, the source and the package path in any case', () => {
    expect(filterMessages(all, 'all', 'ORDERS').map((m) => m.messageId)).toEqual([4]);
    expect(filterMessages(all, 'all', 'load').map((m) => m.messageId)).toEqual([1, 2]);
    expect(filterMessages(all, 'problems', 'copy').map((m) => m.messageId)).toEqual([3, 4, 5]);
  });
});
