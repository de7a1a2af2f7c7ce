// The Data Flow task through the real engine: a CSV file, a lookup on a real SQLite database,
// derived columns, a split, a SQL destination and a flat file of rejected rows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageType } from '../../../master-core/protocol/codes';
import { runTestPackage } from '../test/engineKit';
import { querySqlite } from './pipelineTestKit';

let dir = '';
let cwd = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scaleout-pipeline-'));
  cwd = process.cwd();
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

const connections = [
  { name: 'Sales', type: 'flatFile', connectionString: 'sales.csv' },
  { name: 'Rejected', type: 'flatFile', connectionString: 'rejected.csv' },
  { name: 'Warehouse', type: 'sqlite', connectionString: 'warehouse.db' },
];

function salesFlow(extra: Record<string, unknown> = {}) {
  return {
    name: 'Load sales',
    type: 'dataFlow',
    defaultBufferMaxRows: 2,
    components: [
      {
        name: 'Read sales',
        type: 'flatFileSource',
        connection: 'Sales',
        errorDisposition: 'RedirectRow',
        columns: [
          { name: 'OrderId', dataType: 'Int32' },
          { name: 'Customer', dataType: 'String' },
          { name: 'Quantity', dataType: 'Int32' },
          { name: 'Price', dataType: 'Double' },
        ],
      },
      {
        name: 'Totals',
        type: 'derivedColumn',
        columns: [{ name: 'Amount', expression: 'Quantity * Price', dataType: 'Double' }],
      },
      {
        name: 'Find customer',
        type: 'lookup',
        reference: {
          type: 'query',
          connection: 'Warehouse',
          query: 'SELECT code, region FROM customers',
          columns: [
            { name: 'code', dataType: 'String' },
            { name: 'region', dataType: 'String' },
          ],
        },
        joins: [{ input: 'Customer', reference: 'code' }],
        outputColumns: [{ reference: 'region', as: 'Region' }],
        noMatch: 'RedirectRow',
      },
      {
        name: 'Big or small',
        type: 'conditionalSplit',
        conditions: [{ output: 'Big', condition: 'Amount >= 100' }],
      },
      { name: 'All', type: 'unionAll' },
      { name: 'Count', type: 'rowCount', variable: 'User::Loaded' },
      {
        name: 'Load',
        type: 'sqlDestination',
        connection: 'Warehouse',
        table: 'sales',
        createTable: true,
      },
      { name: 'Unknown customers', type: 'flatFileDestination', connection: 'Rejected' },
      { name: 'Bad lines', type: 'jsonLinesDestination', connection: 'BadLines' },
    ],
    paths: [
      { from: 'Read sales', to: 'Totals' },
      { from: 'Read sales.Error', to: 'Bad lines' },
      { from: 'Totals', to: 'Find customer' },
      { from: 'Find customer.Match', to: 'Big or small' },
      { from: 'Find customer.No Match', to: 'Unknown customers' },
      { from: 'Big or small.Big', to: 'All' },
      { from: 'Big or small.Default', to: 'All' },
      { from: 'All', to: 'Count' },
      { from: 'Count', to: 'Load' },
    ],
    ...extra,
  };
}

async function prepare(): Promise<void> {
  writeFileSync(
    'sales.csv',
    'OrderId,Customer,Quantity,Price\n1,ACME,10,12.5\n2,GLOBEX,1,3\n3,NOBODY,2,2\nfour,ACME,1,1\n5,ACME,3,40\n',
  );
  await querySqlite('warehouse.db', [
    'CREATE TABLE customers (code TEXT, region TEXT)',
    "INSERT INTO customers VALUES ('ACME', 'North'), ('GLOBEX', 'South')",
  ]);
}

describe('the Data Flow task', () => {
  it('streams rows from a CSV through lookup, derived columns and a split into SQLite, with error paths', async () => {
    await prepare();
    const run = await runTestPackage(
      {
        variables: [{ name: 'Loaded', dataType: 'Int32', value: 0 }],
        connectionManagers: [
          ...connections,
          { name: 'BadLines', type: 'flatFile', connectionString: 'bad.jsonl' },
        ],
        tasks: [salesFlow()],
      },
      { loggingLevel: 3 },
    );
    expect(run.error).toBeNull();
    expect(run.outcome).toBe('succeeded');
    const rows = await querySqlite('warehouse.db', [
      'SELECT OrderId, Customer, Amount, Region FROM sales ORDER BY OrderId',
    ]);
    expect(rows).toEqual([
      { OrderId: 1, Customer: 'ACME', Amount: 125, Region: 'North' },
      { OrderId: 2, Customer: 'GLOBEX', Amount: 3, Region: 'South' },
      { OrderId: 5, Customer: 'ACME', Amount: 120, Region: 'North' },
    ]);
    expect(readFileSync('rejected.csv', 'utf8')).toMatch(
      /^OrderId,Customer,Quantity,Price,Amount\r?\n3,NOBODY,2,2,4\r?\n$/,
    );
    const bad = readFileSync('bad.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(bad).toEqual([
      expect.objectContaining({
        LineNumber: 5,
        RawText: 'four,ACME,1,1',
        ErrorCode: 1,
        ErrorColumn: 'OrderId',
      }),
    ]);
    expect(run.messages(MessageType.information)).toContain('Read sales.Output -> Totals.Input: 4 rows');
    const rowsOn = (name: string) => run.dataStatistics.find((s) => s.name === name)?.rowsSent;
    expect(rowsOn('Read sales.Output -> Totals.Input')).toBe(4);
    expect(rowsOn('Read sales.Error -> Bad lines.Input')).toBe(1);
    expect(rowsOn('Find customer.No Match -> Unknown customers.Input')).toBe(1);
    expect(rowsOn('Big or small.Big -> All.Input 1')).toBe(2);
    expect(rowsOn('Big or small.Default -> All.Input 2')).toBe(1);
    expect(rowsOn('Count.Output -> Load.Input')).toBe(3);
    expect(
      run.dataStatistics
        .filter((s) => s.elapsedMs !== null)
        .map((s) => s.name)
        .sort(),
    ).toContain('Load');
  });

  it('a failing component stops the whole flow and Single transaction mode leaves the table as it was', async () => {
    await prepare();
    await querySqlite('warehouse.db', [
      'CREATE TABLE sales (OrderId INTEGER, Customer TEXT, Quantity INTEGER, Price REAL, Amount REAL, Region TEXT)',
    ]);
    const flow = salesFlow();
    (flow.components[0] as Record<string, unknown>).errorDisposition = 'FailComponent';
    const run = await runTestPackage({
      variables: [{ name: 'Loaded', dataType: 'Int32', value: 0 }],
      connectionManagers: [
        ...connections,
        { name: 'BadLines', type: 'flatFile', connectionString: 'bad.jsonl' },
      ],
      tasks: [flow],
    });
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(/line 5.*OrderId/);
    expect(await querySqlite('warehouse.db', ['SELECT count(*) AS n FROM sales'])).toEqual([{ n: 0 }]);
  });
});
