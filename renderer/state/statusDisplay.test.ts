import { describe, expect, it } from 'vitest';
import { ExecutionStatus } from '../../master-core/protocol/codes';
import { statusColor, statusName } from './statusDisplay';

describe('statusDisplay', () => {
  it('names statuses as SSISDB does', () => {
    expect(statusName(ExecutionStatus.succeeded)).toBe('Succeeded');
    expect(statusName(ExecutionStatus.endedUnexpectedly)).toBe('Ended unexpectedly');
    expect(statusName(42)).toBe('Status 42');
  });

  it('colors outcomes', () => {
    expect(statusColor(ExecutionStatus.succeeded)).toBe('success');
    expect(statusColor(ExecutionStatus.failed)).toBe('error');
    expect(statusColor(ExecutionStatus.running)).toBe('info');
    expect(statusColor(42)).toBe('default');
  });
});
