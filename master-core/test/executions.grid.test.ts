// execution.list as the console's grid uses it: offset pages, every sort key both ways, the new
// filters, over 5,000 executions written straight into the catalog. Every answer is compared with
// the same rows sorted and filtered here in plain TypeScript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../protocol/apiClient';
import type { ApiInput } from '../protocol/api';
import { openCatalog } from '../catalog/openCatalog';
import { EXECUTION_SELECT } from '../catalog/executionRow';
import { orderByOf } from '../catalog/executionQueriesRepo';
import { nodeClient } from '../../e2e/harness/client';
import { startTestMaster } from './masterFixture';
import { seedExecutions } from './executionGrid.fixture';
import type { SeededExecution } from './executionGrid.fixture';

type SortKey = NonNullable<ApiInput<'execution.list'>['sortBy']>;

const durationOf = (r: SeededExecution) =>
  r.startedAt && r.endedAt ? Date.parse(r.endedAt) - Date.parse(r.startedAt) : null;
const nocase = (s: string | null) => (s === null ? null : s.toLowerCase());

const SORT_VALUE: Record<SortKey, (r: SeededExecution) => string | number | null> = {
  executionId: (r) => r.executionId,
  status: (r) => r.status,
  folderName: (r) => nocase(r.folderName),
  projectName: (r) => nocase(r.projectName),
  packageName: (r) => nocase(r.packageName),
  workerName: (r) => nocase(r.workerName),
  createdAt: (r) => r.createdAt,
  startedAt: (r) => r.startedAt,
  endedAt: (r) => r.endedAt,
  duration: durationOf,
  attempts: (r) => r.attempts,
  createdBy: (r) => nocase(r.createdBy),
};

/** The order the API promises: by the key, NULLs last both ways, ties by execution id the same way. */
function sorted(rows: SeededExecution[], key: SortKey, direction: 'asc' | 'desc'): SeededExecution[] {
  const sign = direction === 'asc' ? 1 : -1;
  const value = SORT_VALUE[key];
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) {
      return (va < vb ? -1 : 1) * sign;
    }
    return (a.executionId - b.executionId) * sign;
  });
}

describe('execution.list for the console grid', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  let rows: SeededExecution[];
  const ids = (list: { executionId: number }[]) => list.map((e) => e.executionId);

  beforeAll(async () => {
    master = await startTestMaster();
    client = nodeClient(master.consoleUrl, master.consoleToken);
    rows = await seedExecutions(master.catalogFile, 5000);
  }, 60_000);
  afterAll(() => master?.cleanup());

  it('pages by offset through every sort key in both directions, NULLs last, ties by execution id', async () => {
    for (const sortBy of Object.keys(SORT_VALUE) as SortKey[]) {
      for (const sortDirection of ['asc', 'desc'] as const) {
        const expected = sorted(rows, sortBy, sortDirection);
        for (const offset of [0, 2480, 4990]) {
          const page = await client.call('execution.list', { sortBy, sortDirection, offset, limit: 40 });
          expect(page.total, `${sortBy} ${sortDirection}`).toBe(5000);
          expect(ids(page.executions), `${sortBy} ${sortDirection} at ${offset}`).toEqual(
            ids(expected.slice(offset, offset + 40)),
          );
        }
      }
    }
    // The default stays newest first.
    const newest = await client.call('execution.list', { limit: 3 });
    expect(ids(newest.executions)).toEqual(ids(sorted(rows, 'executionId', 'desc').slice(0, 3)));
  });

  it('returns each execution in its row: worker, times, attempts and who created it', async () => {
    const seeded = rows.find((r) => r.workerName !== null && r.endedAt !== null)!;
    const { executions } = await client.call('execution.list', { search: String(seeded.executionId) });
    expect(executions.find((e) => e.executionId === seeded.executionId)).toMatchObject({
      folderName: seeded.folderName,
      workerName: seeded.workerName,
      startedAt: seeded.startedAt,
      endedAt: seeded.endedAt,
      attempts: seeded.attempts,
      createdBy: seeded.createdBy,
    });
  });

  it('filters by worker (any case), creator (exact) and a search over names or the id', async () => {
    const check = async (input: ApiInput<'execution.list'>, keep: (r: SeededExecution) => boolean) => {
      const expected = sorted(
        rows.filter(keep),
        input.sortBy ?? 'executionId',
        input.sortDirection ?? 'desc',
      );
      expect(expected.length, JSON.stringify(input)).toBeGreaterThan(0);
      const page = await client.call('execution.list', { limit: 25, ...input });
      expect(page.total, JSON.stringify(input)).toBe(expected.length);
      const offset = input.offset ?? 0;
      expect(ids(page.executions), JSON.stringify(input)).toEqual(ids(expected.slice(offset, offset + 25)));
    };
    await check({ workerName: 'BETA' }, (r) => r.workerName === 'Beta');
    await check({ createdBy: 'alice', sortBy: 'createdBy' }, (r) => r.createdBy === 'alice');
    await check({ createdBy: 'Alice', offset: 100 }, (r) => r.createdBy === 'Alice');
    // Substring of folder, project or package, in any case.
    await check({ search: 'FINANCE' }, (r) => r.folderName.toLowerCase().includes('finance'));
    await check({ search: 'load', sortBy: 'packageName', sortDirection: 'asc' }, (r) =>
      [r.projectName, r.packageName].some((n) => n.toLowerCase().includes('load')),
    );
    // % and _ are characters to find, not wildcards.
    await check({ search: '%_1' }, (r) => r.folderName === 'Sales%_100');
    // A number finds that execution, and names holding those digits.
    await check({ search: '202' }, (r) => r.executionId === 202 || r.packageName === 'Load2024');
    await check({ search: ' 4321 ' }, (r) => r.executionId === 4321);
    // The new filters combine with the existing ones and with sorting and paging.
    await check(
      {
        statuses: [7],
        folderName: 'ops',
        workerName: 'gamma',
        sortBy: 'duration',
        sortDirection: 'asc',
        offset: 10,
      },
      (r) => r.status === 7 && r.folderName === 'Ops' && r.workerName === 'gamma',
    );
    const created = rows[2000]!.createdAt;
    await check(
      { createdAfter: created, search: 'ledger', sortBy: 'startedAt' },
      (r) => r.createdAt >= created && r.projectName === 'Ledger',
    );
    expect((await client.call('execution.list', { search: 'no such name' })).total).toBe(0);
    expect((await client.call('execution.list', { workerName: 'nobody' })).total).toBe(0);
  });

  it('keeps keyset paging with beforeId: the page moves, the total does not', async () => {
    const page = await client.call('execution.list', { beforeId: 1001, limit: 5, statuses: [2] });
    const expected = sorted(
      rows.filter((r) => r.status === 2),
      'executionId',
      'desc',
    );
    expect(page.total).toBe(expected.length);
    expect(ids(page.executions)).toEqual(ids(expected.filter((r) => r.executionId < 1001).slice(0, 5)));
  });

  it('refuses bad paging, sorting and filters, naming the field', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ sortBy: 'execution_id; DROP TABLE executions' }, 'sortBy'],
      [{ sortDirection: 'up' }, 'sortDirection'],
      [{ offset: -1 }, 'offset'],
      [{ offset: 1.5 }, 'offset'],
      [{ limit: 0 }, 'limit'],
      [{ search: '' }, 'search'],
      [{ search: 'x'.repeat(201) }, 'search'],
      [{ workerName: '' }, 'workerName'],
      [{ createdBy: 7 }, 'createdBy'],
    ];
    for (const [input, field] of bad) {
      await expect(
        client.call('execution.list', input as ApiInput<'execution.list'>),
        JSON.stringify(input),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    expect((await client.call('execution.list', {})).total).toBe(5000);
  });

  it('walks an index for every sort but worker, attempts and creator (migration 7)', async () => {
    const db = await openCatalog(master.catalogFile);
    try {
      for (const sortBy of Object.keys(SORT_VALUE) as SortKey[]) {
        for (const direction of ['asc', 'desc'] as const) {
          const plan = await db.all<{ detail: string }>(
            `EXPLAIN QUERY PLAN ${EXECUTION_SELECT} ${orderByOf(sortBy, direction)} LIMIT 40 OFFSET 100`,
          );
          const sorts = plan.some((step) => step.detail.includes('TEMP B-TREE FOR ORDER BY'));
          expect(sorts, `${sortBy} ${direction}: ${JSON.stringify(plan)}`).toBe(
            ['workerName', 'attempts', 'createdBy'].includes(sortBy),
          );
        }
      }
    } finally {
      await db.close();
    }
  });

  it('answers a sorted, filtered page of 5,000 executions quickly', async () => {
    const slowest: { input: string; ms: number }[] = [];
    for (const sortBy of Object.keys(SORT_VALUE) as SortKey[]) {
      const input = { sortBy, sortDirection: 'desc', offset: 4000, limit: 100, search: 'a' } as const;
      const started = performance.now();
      await client.call('execution.list', input);
      slowest.push({ input: sortBy, ms: performance.now() - started });
    }
    slowest.sort((a, b) => b.ms - a.ms);
    // Generous for a loaded CI machine; measured 10-20 ms per call on a 2-core VM.
    expect(slowest[0]!.ms, JSON.stringify(slowest)).toBeLessThan(1000);
  });
});
