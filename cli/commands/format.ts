import { executionStatusNames, messageTypeNames } from '../../master-core/protocol/codes';
import type { ExecutionStatus } from '../../master-core/protocol/codes';
import type { ExecutionRow, MessageRow, WorkerRow } from '../../master-core/protocol/api';

/** Plain-text table: columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export const statusName = (status: number) =>
  executionStatusNames[status as ExecutionStatus] ?? `Unknown (${status})`;

export function executionsTable(rows: ExecutionRow[]): string {
  return table(
    ['ID', 'Status', 'Folder/Project/Package', 'Worker', 'Attempts', 'Created', 'Ended'],
    rows.map((e) => [
      String(e.executionId),
      statusName(e.status),
      `${e.folderName}/${e.projectName}/${e.packageName}`,
      e.workerName ?? '',
      `${e.attempts}/${e.retryCount + 1}`,
      e.createdAt,
      e.endedAt ?? '',
    ]),
  );
}

export function messageLine(m: MessageRow): string {
  const type = messageTypeNames[m.messageType] ?? String(m.messageType);
  const attempt = m.attemptNumber ? ` #${m.attemptNumber}` : '';
  return `${m.time} ${type.padEnd(13)} [${m.sourceName}${attempt}] ${m.message}\n`;
}

export function workersTable(rows: WorkerRow[]): string {
  return table(
    ['Name', 'State', 'Enabled', 'Machine', 'Tasks', 'CPU %', 'Tags', 'Last seen', 'Why'],
    rows.map((w) => [
      w.name,
      w.state,
      w.enabled ? 'yes' : 'no',
      w.machineName,
      `${w.runningTasks}/${w.maxTasks}`,
      w.cpuPercent === null ? '' : w.cpuPercent.toFixed(0),
      w.tags.join(','),
      w.lastSeenAt,
      w.stateReason,
    ]),
  );
}
