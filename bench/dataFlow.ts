// The Data Flow's CSV -> SQLite path against the sqlite3 command-line tool's .import, on the same
// generated 1M-row CSV (~82 MB, 8 columns, ISO dates): the tool's rows/s, the SQL destination alone
// (typed rows made in the process, into SQLite and PostgreSQL), and the whole Data Flow (flat file
// source -> SQL destination through runDataFlow), at 500 (the default) and 5,000 rows a statement.
// Part of `npm run bench`; alone: `npx tsx bench/dataFlow.ts`.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ColumnMeta } from '../master-core/protocol/dataFlowMetadata';
import { ConnectionManagerDef, DataFlowTask } from '../master-core/protocol/packageFormat';
import { createConnectionRegistry } from '../worker-agent/engine/connections/registry';
import { createSqlDestination } from '../worker-agent/engine/dataFlow/components/sqlDestination';
import {
  createSqlKit,
  createTaskContext,
  defineComponent,
} from '../worker-agent/engine/dataFlow/components/sqlTestKit';
import type { LoggedMessage } from '../worker-agent/engine/dataFlow/components/sqlTestKit';
import type { Row } from '../worker-agent/engine/dataFlow/types';
import { startPostgres } from '../worker-agent/test/fixtures/postgresServer';
import type { BenchRow } from './hosts';
import { summarize } from './stats';

const ROWS = 1_000_000;
const BUFFER_ROWS = 10_000;
const RUNS = 3;
const NOTES = ['', 'Rush order', 'Gift wrap, no invoice', 'Call before delivery', 'Back-ordered item'];
const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** The i-th sale (0-based), typed as the Data Flow carries it. */
function sale(i: number): Row {
  const quantity = 1 + (i % 20);
  const price = ((i * 37) % 100_000) / 100;
  return [
    i + 1,
    new Date(START + (i % 366) * DAY_MS),
    `Customer ${String((i * 7_919) % 50_000).padStart(5, '0')}`,
    `Product ${String(i % 997).padStart(3, '0')}`,
    quantity,
    price,
    Math.round(quantity * price * 100) / 100,
    `${NOTES[i % NOTES.length]} #${i % 10_000}`,
  ];
}

const COLUMNS: ColumnMeta[] = [
  { name: 'id', dataType: 'Int64' },
  { name: 'date', dataType: 'DateTime' },
  { name: 'customer', dataType: 'String' },
  { name: 'product', dataType: 'String' },
  { name: 'quantity', dataType: 'Int32' },
  { name: 'price', dataType: 'Double' },
  { name: 'amount', dataType: 'Double' },
  { name: 'note', dataType: 'String' },
];

function csvLine(row: Row): string {
  const note = String(row[7]);
  return [
    row[0],
    (row[1] as Date).toISOString().slice(0, 10),
    row[2],
    row[3],
    row[4],
    (row[5] as number).toFixed(2),
    (row[6] as number).toFixed(2),
    note.includes(',') ? `"${note}"` : note,
  ].join(',');
}

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${COLUMNS.map((c) => c.name).join(',')}\n`);
  for (let start = 0; start < ROWS; start += BUFFER_ROWS) {
    let text = '';
    for (let i = start; i < start + BUFFER_ROWS; i += 1) text += `${csvLine(sale(i))}\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const rate = (ms: number) => ROWS / (ms / 1000);

function hasSqliteTool(): boolean {
  try {
    execFileSync('sqlite3', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** sqlite3 file < script, with no shell; resolves with the ms it took. */
function sqliteTool(file: string, script: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('sqlite3', ['-bail', file], { shell: false, stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4_000)));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`sqlite3 exited ${code}: ${errors}`)),
    );
    child.stdin.end(script);
  });
}

const TYPED_TABLE = `CREATE TABLE sales (id INTEGER, date TEXT, customer TEXT, product TEXT, quantity INTEGER,
  price REAL, amount REAL, note TEXT);`;

async function toolImport(dir: string, csv: string): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const db = join(dir, `tool-${run}.db`);
    const ms = await sqliteTool(db, `${TYPED_TABLE}\n.import --csv --skip 1 ${csv} sales\n`);
    samples.push(rate(ms));
  }
  return samples;
}

function* saleBuffers(): Generator<Row[]> {
  for (let start = 0; start < ROWS; start += BUFFER_ROWS)
    yield Array.from({ length: BUFFER_ROWS }, (_, i) => sale(start + i));
}

/** The SQL destination alone: 1M typed rows made buffer by buffer (~0.35 s of the time). */
async function destinationAlone(dir: string, connection: unknown, rowsPerStatement: number): Promise<number> {
  const table = `sales_${rowsPerStatement}_${Date.now()}`;
  const component = defineComponent({
    type: 'sqlDestination',
    name: 'Write sales',
    connection: 'Db',
    table,
    createTable: true,
    rowsPerStatement,
  });
  const kit = await createSqlKit(component, { input: COLUMNS, connections: [connection], workDir: dir });
  try {
    const t0 = performance.now();
    await kit.load(createSqlDestination(component, kit.context), saleBuffers());
    const ms = performance.now() - t0;
    const db = await kit.registry.open('Db', ['sqlite', 'postgresql']);
    const n = Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    if (n !== ROWS) throw new Error(`the destination loaded ${n} rows, not ${ROWS}`);
    return rate(ms);
  } finally {
    await kit.dispose();
  }
}

/** The whole Data Flow through the runner: flat file source -> SQL destination. */
async function pipeline(dir: string, csv: string, rowsPerStatement: number, run: number): Promise<number> {
  const { runDataFlow } = await import('../worker-agent/engine/dataFlow/pipeline');
  const { COMPONENT_FACTORIES } = await import('../worker-agent/engine/dataFlow/components');
  const missing = (['flatFileSource', 'sqlDestination'] as const).filter((t) => !COMPONENT_FACTORIES[t]);
  if (missing.length > 0) throw new Error(`the runner has no factory for ${missing.join(', ')} yet`);
  const task = DataFlowTask.parse({
    name: 'Load sales',
    type: 'dataFlow',
    defaultBufferMaxRows: BUFFER_ROWS,
    components: [
      {
        name: 'Read sales',
        type: 'flatFileSource',
        connection: 'Sales',
        columns: COLUMNS,
      },
      {
        name: 'Write sales',
        type: 'sqlDestination',
        connection: 'Warehouse',
        table: 'sales',
        createTable: true,
        rowsPerStatement,
      },
    ],
    paths: [{ from: 'Read sales', to: 'Write sales' }],
  });
  const defs = [
    { name: 'Sales', type: 'flatFile', connectionString: csv },
    {
      name: 'Warehouse',
      type: 'sqlite',
      connectionString: join(dir, `pipeline-${rowsPerStatement}-${run}.db`),
    },
  ].map((d) => ConnectionManagerDef.parse(d));
  const registry = createConnectionRegistry(defs, { workDir: dir, addSecret: () => undefined });
  const messages: LoggedMessage[] = [];
  const context = createTaskContext(dir, registry, new Map(), messages, new AbortController().signal);
  try {
    const t0 = performance.now();
    await runDataFlow(task, context);
    const ms = performance.now() - t0;
    const db = await registry.open('Warehouse', 'sqlite');
    const n = Number((await db.query('SELECT count(*) AS n FROM sales')).rows[0]!.n);
    if (n !== ROWS) throw new Error(`the data flow loaded ${n} rows, not ${ROWS}`);
    return rate(ms);
  } finally {
    await registry.closeAll();
  }
}

const median = (samples: number[]) => summarize(samples).median;

/** The rows of `npm run bench` for the Data Flow. */
export async function benchDataFlow(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-bench-dataflow-'));
  const rows: BenchRow[] = [];
  try {
    const csv = join(dir, 'sales.csv');
    await writeCsv(csv);
    const size = `${(statSync(csv).size / 1e6).toFixed(0)} MB`;
    const tool = hasSqliteTool() ? await toolImport(dir, csv) : [];
    rows.push({
      name: `sqlite3 tool .import, ${ROWS / 1e6}M-row CSV (${size}, 8 columns) into a typed table`,
      unit: 'rows/s',
      samples: tool,
      note:
        tool.length > 0
          ? 'the baseline'
          : 'not measured: no sqlite3 command-line tool (apt-get install sqlite3)',
    });
    const sqlite = { name: 'Db', type: 'sqlite', connectionString: join(dir, 'alone.db') };
    for (const perStatement of [500, 5_000]) {
      const samples: number[] = [];
      for (let run = 0; run < RUNS; run += 1) samples.push(await destinationAlone(dir, sqlite, perStatement));
      rows.push({
        name: `SQL destination alone into SQLite, ${ROWS / 1e6}M rows x 8 columns, ${perStatement} rows/statement`,
        unit: 'rows/s',
        samples,
        note: 'typed rows made as they go; one JSON parameter per statement',
      });
    }
    for (const perStatement of [500, 5_000]) rows.push(await pipelineRow(dir, csv, perStatement, tool));
    rows.push(await postgresRow(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function pipelineRow(
  dir: string,
  csv: string,
  perStatement: number,
  tool: number[],
): Promise<BenchRow> {
  const name = `Data Flow CSV -> SQLite (flat file source -> SQL destination), ${ROWS / 1e6}M rows, ${perStatement} rows/statement`;
  const samples: number[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) samples.push(await pipeline(dir, csv, perStatement, run));
  } catch (error) {
    return { name, unit: 'rows/s', samples: [], note: `not measured: ${(error as Error).message}` };
  }
  const ratio = tool.length > 0 ? `${(median(samples) / median(tool)).toFixed(2)} x sqlite3 .import` : '';
  return { name, unit: 'rows/s', samples, note: ratio };
}

async function postgresRow(dir: string): Promise<BenchRow> {
  const name = `SQL destination alone into PostgreSQL (COPY), ${ROWS / 1e6}M rows x 8 columns, 5000 rows/statement`;
  let server;
  try {
    server = await startPostgres();
  } catch (error) {
    return {
      name,
      unit: 'rows/s',
      samples: [],
      note: `not measured: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  try {
    const connection = { name: 'Db', type: 'postgresql', connectionString: server.url };
    return {
      name,
      unit: 'rows/s',
      samples: [await destinationAlone(dir, connection, 5_000)],
      note: 'local server, fsync off',
    };
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of await benchDataFlow()) {
    const s = summarize(row.samples);
    const figures = `median ${s.median.toFixed(0)}  min ${s.min.toFixed(0)}  max ${s.max.toFixed(0)}`;
    console.log(`${row.name}\n  ${row.unit} n=${s.n}  ${figures}  ${row.note}`);
  }
}
