import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecuteSqlTask } from '../../../master-core/protocol/packageFormat';
import type { ConnectionManagerDef } from '../../../master-core/protocol/packageFormat';
import { startPostgres } from '../../test/fixtures/postgresServer';
import type { PostgresServer } from '../../test/fixtures/postgresServer';
import { createConnectionRegistry } from '../connections/registry';
import type { ConnectionRegistry } from '../connections/registry';
import type { TaskContext, Value } from '../taskApi';
import { findColumn, runExecuteSqlTask, toValue } from './executeSqlTask';

/**
 * A real TaskContext for this task alone, until the engine's is ready (the engine's own tests
 * will run the task inside packages). Variables live in a Map; connections come from a real
 * registry. evaluate() is NOT the expression language: every parameter in these tests is a JSON
 * literal, so it is JSON.parse, plus {"date": "<ISO>"} standing for a DateTime value.
 */
function createTaskContext(registry: ConnectionRegistry, variableNames: string[], signal?: AbortSignal) {
  const variables = new Map<string, unknown>(variableNames.map((n) => [n, null]));
  const logs: string[] = [];
  const context: TaskContext = {
    name: 'Execute SQL',
    packagePath: '\\Package\\Execute SQL',
    signal: signal ?? new AbortController().signal,
    workDir,
    nodePath: process.execPath,
    log: {
      information: (m) => logs.push(m),
      warning: (m) => logs.push(m),
      error: (m) => logs.push(m),
      progress: () => undefined,
    },
    evaluate: (expression) => {
      const value = JSON.parse(expression) as Value;
      const date = (value as { date?: string } | null)?.date;
      return typeof date === 'string' ? new Date(date) : value;
    },
    substitute: () => {
      throw new Error('the Execute SQL task must not substitute references into SQL');
    },
    getVariable: (reference) => variables.get(reference) as Value,
    setVariable: (reference, value) => {
      if (!variables.has(reference)) throw new Error(`unknown variable ${reference}`);
      variables.set(reference, value);
    },
    connection: (name, type) => registry.open(name, type),
    addSecret: () => undefined,
  };
  return { context, variables, logs };
}

let workDir: string;
let server: PostgresServer;
beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'scaleout-executesql-'));
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const base = { description: '', propertyExpressions: {} };
/** The two databases, and how each writes the n-th placeholder. */
const dialects = [
  {
    name: 'SQLite',
    def: (): ConnectionManagerDef => ({
      ...base,
      type: 'sqlite',
      name: 'Db',
      connectionString: 'task.db',
      readOnly: false,
    }),
    p: (_n: number) => '?',
    endless:
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c',
    // SQLite has no date type: a DateTime parameter arrives as ISO 8601 text.
    storedDate: '2026-03-04T05:06:07.890Z' as unknown,
  },
  {
    name: 'PostgreSQL',
    def: (): ConnectionManagerDef => ({
      ...base,
      type: 'postgresql',
      name: 'Db',
      connectionString: server.url,
    }),
    p: (n: number) => `$${n}`,
    endless: 'SELECT pg_sleep(60)',
    storedDate: new Date('2026-03-04T05:06:07.890Z') as unknown,
  },
];

const VARIABLES = ['User::Count', 'User::Region', 'User::Rows', 'User::At'];

describe.each(dialects)('Execute SQL task on $name', (dialect) => {
  let registry: ConnectionRegistry;
  const task = (fields: Record<string, unknown>) =>
    ExecuteSqlTask.parse({ type: 'executeSql', name: 'Execute SQL', connection: 'Db', ...fields });
  const run = async (fields: Record<string, unknown>, signal?: AbortSignal) => {
    const { context, variables, logs } = createTaskContext(registry, VARIABLES, signal);
    await runExecuteSqlTask(task(fields), context);
    return { variables, logs };
  };

  beforeAll(async () => {
    registry = createConnectionRegistry([dialect.def()], { workDir, addSecret: () => undefined });
    // resultSet None without parameters: a script of several statements.
    const { logs } = await run({
      sqlStatement: `
        DROP TABLE IF EXISTS sale;
        CREATE TABLE sale (id integer PRIMARY KEY, region text, amount integer, at ${dialect.name === 'SQLite' ? 'text' : 'timestamptz'});
        INSERT INTO sale (id, region, amount) VALUES (1, 'north', 10), (2, 'south', 20), (3, 'north', 5);
      `,
    });
    expect(logs).toEqual([expect.stringMatching(/^SQL on "Db" ran in \d+ ms$/)]);
  });
  afterAll(() => registry.closeAll());

  it('resultSet None with parameters: runs the statement, logs the changes but not the values', async () => {
    const { logs } = await run({
      sqlStatement: `UPDATE sale SET region = ${dialect.p(1)} WHERE id = ${dialect.p(2)}`,
      parameters: ['"south-east"', '3'],
    });
    expect(logs).toEqual([expect.stringMatching(/^SQL on "Db": 0 rows returned, 1 changed in \d+ ms$/)]);
    expect(logs.join()).not.toContain('south-east');
    await run({ sqlStatement: `UPDATE sale SET region = 'north' WHERE id = 3` });
  });

  it('resultSet SingleRow: binds columns by name, by 0-based index and by name in any case', async () => {
    const { variables } = await run({
      sqlStatement: `SELECT count(*) AS n, min(region) AS region FROM sale WHERE amount >= ${dialect.p(1)}`,
      parameters: ['5'],
      resultSet: 'SingleRow',
      resultBindings: [
        { column: 'n', variable: 'User::Count' },
        { column: '1', variable: 'User::Region' },
        { column: 'REGION', variable: 'User::Rows' },
      ],
    });
    expect(Object.fromEntries(variables)).toMatchObject({
      'User::Count': 3,
      'User::Region': 'north',
      'User::Rows': 'north',
    });
  });

  it('resultSet SingleRow: fails when the statement returns no rows', async () => {
    await expect(
      run({
        sqlStatement: `SELECT id FROM sale WHERE id = ${dialect.p(1)}`,
        parameters: ['99'],
        resultSet: 'SingleRow',
        resultBindings: [{ column: 'id', variable: 'User::Count' }],
      }),
    ).rejects.toThrow('the statement returned no rows; SingleRow needs one');
  });

  it('resultSet SingleRow: names a missing column and lists the ones there are', async () => {
    await expect(
      run({
        sqlStatement: 'SELECT id, region FROM sale ORDER BY id',
        resultSet: 'SingleRow',
        resultBindings: [{ column: 'amount', variable: 'User::Count' }],
      }),
    ).rejects.toThrow('the result has no column "amount" (for User::Count); its columns: id, region');
  });

  it('resultSet FullResultSet: the variable receives every row as a record', async () => {
    const { variables } = await run({
      sqlStatement: 'SELECT id, region, amount FROM sale ORDER BY id',
      resultSet: 'FullResultSet',
      resultVariable: 'User::Rows',
    });
    expect(variables.get('User::Rows')).toEqual([
      { id: 1, region: 'north', amount: 10 },
      { id: 2, region: 'south', amount: 20 },
      { id: 3, region: 'north', amount: 5 },
    ]);
  });

  it('refuses FullResultSet without resultVariable before running anything', async () => {
    await expect(run({ sqlStatement: 'DELETE FROM sale', resultSet: 'FullResultSet' })).rejects.toThrow(
      'resultSet FullResultSet needs resultVariable',
    );
    const { variables } = await run({
      sqlStatement: 'SELECT count(*) AS n FROM sale',
      resultSet: 'SingleRow',
      resultBindings: [{ column: '0', variable: 'User::Count' }],
    });
    expect(variables.get('User::Count')).toBe(3);
  });

  it('passes a DateTime parameter to the driver (ISO text for SQLite, a timestamp for PostgreSQL)', async () => {
    await run({
      sqlStatement: `UPDATE sale SET at = ${dialect.p(1)} WHERE id = 1`,
      parameters: ['{"date": "2026-03-04T05:06:07.890Z"}'],
    });
    const { variables } = await run({
      sqlStatement: 'SELECT at FROM sale WHERE id = 1',
      resultSet: 'SingleRow',
      resultBindings: [{ column: 'at', variable: 'User::At' }],
    });
    expect(variables.get('User::At')).toEqual(dialect.storedDate);
  });

  it('does not substitute @[...] references into the SQL', async () => {
    const { variables } = await run({
      sqlStatement: "SELECT '@[User::Region]' AS text",
      resultSet: 'SingleRow',
      resultBindings: [{ column: 'text', variable: 'User::Region' }],
    });
    expect(variables.get('User::Region')).toBe('@[User::Region]');
  });

  it('names the parameter whose expression fails', async () => {
    await expect(
      run({ sqlStatement: `SELECT ${dialect.p(1)}`, parameters: ['not json'], resultSet: 'None' }),
    ).rejects.toThrow(/^parameter 1 \(not json\): /);
  });

  it('cancels a long statement at the task timeout', async () => {
    const started = Date.now();
    await expect(
      run({
        sqlStatement: dialect.endless,
        timeoutMs: 300,
        resultSet: 'FullResultSet',
        resultVariable: 'User::Rows',
      }),
    ).rejects.toThrow('the statement timed out after 300 ms and was canceled');
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('cancels a long statement when the execution stops (context.signal)', async () => {
    const controller = new AbortController();
    const running = run({ sqlStatement: dialect.endless }, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toThrow('the statement was canceled: the execution is stopping');
    // The connection is still good for the next task.
    const { variables } = await run({
      sqlStatement: 'SELECT 7 AS seven',
      resultSet: 'SingleRow',
      resultBindings: [{ column: 'seven', variable: 'User::Count' }],
    });
    expect(variables.get('User::Count')).toBe(7);
  });
});

describe('Execute SQL task connection checks', () => {
  it('refuses a connection manager that is not SQLite or PostgreSQL', async () => {
    const registry = createConnectionRegistry(
      [
        {
          ...base,
          type: 'http',
          name: 'Api',
          connectionString: 'https://example.com/',
          headers: {},
          timeoutMs: 1000,
        },
      ],
      { workDir, addSecret: () => undefined },
    );
    const { context } = createTaskContext(registry, []);
    const task = ExecuteSqlTask.parse({
      type: 'executeSql',
      name: 'X',
      connection: 'Api',
      sqlStatement: 'SELECT 1',
    });
    await expect(runExecuteSqlTask(task, context)).rejects.toThrow(
      'connection manager "Api" is an HTTP connection; this needs SQLite or PostgreSQL',
    );
  });
});

describe('findColumn and toValue', () => {
  it('prefers an exact name, then an index, then a name in another case', () => {
    expect(findColumn(['a', '0', 'B'], '0')).toBe('0');
    expect(findColumn(['a', 'b'], '1')).toBe('b');
    expect(findColumn(['a', 'b'], '2')).toBeUndefined();
    expect(findColumn(['a', 'Total'], 'total')).toBe('Total');
  });

  it('turns blobs into base64 and big integers into exact text', () => {
    expect(toValue(Buffer.from('hi'))).toBe('aGk=');
    expect(toValue(12n)).toBe(12);
    expect(toValue(2n ** 64n)).toBe('18446744073709551616');
    expect(toValue({ a: [undefined, new Uint8Array([1])] })).toEqual({ a: [null, 'AQ=='] });
  });
});
