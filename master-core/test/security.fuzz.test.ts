// Property-based fuzzing (fast-check, seeded, bounded) of the console API, method by method over
// real HTTP, and of the agent endpoint over a real TLS WebSocket. FUZZ_SEED=<n> replays another seed.
import { request } from 'node:http';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiMethods } from '../protocol/api';
import type { ApiMethodName } from '../protocol/api';
import { CloseCode, PROTOCOL_VERSION, WorkerMessage } from '../protocol/wire';
import type { Logger } from '../logger';
import { echoProject } from './catalogApi.fixture';
import { agentTlsOptions, startTestMaster } from './masterFixture';
import { arbitraryFor, mutate, mutation, rawBody, seedFor, toBodyText } from './security.fuzzKit';
import { agentHello } from './agentHello';

type TestMaster = Awaited<ReturnType<typeof startTestMaster>>;

/** Runs per method: valid-ish inputs, mutated inputs, raw bodies. Kept small: the whole file < 60 s. */
const RUNS = { validish: 12, mutated: 24, raw: 6 };

/** A logger that keeps what the master says, so a 500 can be matched with its logged cause. */
function capturingLogger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines, errors: () => lines.filter((l) => l.level === 'error') };
}

interface Reply {
  status: number;
  json: { ok?: boolean; error?: { code?: string; message?: string } } | null;
  text: string;
}

function post(baseUrl: string, path: string, token: string, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Reply['json'];
          try {
            json = JSON.parse(text) as Reply['json'];
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('console API under fuzzing', () => {
  let master: TestMaster;
  const captured = capturingLogger();
  /** Every 500 seen, with its method and whether the master logged a cause. */
  const internalErrors: { method: string; body: string; message: string; logged: boolean }[] = [];

  const call = async (method: string, input: unknown = {}) => {
    const r = await post(master.consoleUrl, `/api/${method}`, master.consoleToken, JSON.stringify(input));
    if (!r.json?.ok) throw new Error(`${method}: ${r.text}`);
    return (r.json as unknown as { value: Record<string, unknown> }).value;
  };

  /** What a rejected request must leave as it was. Volatile worker facts (health, last seen) are left out. */
  const snapshot = async () => {
    const tree = await call('catalog.tree');
    const executions = await call('execution.list', { limit: 1 });
    const workers = (await call('worker.list')).workers as Record<string, unknown>[];
    const properties = await call('property.list');
    return JSON.stringify({
      tree,
      executionTotal: executions.total,
      workers: workers.map((w) => ({
        workerId: w.workerId,
        name: w.name,
        description: w.description,
        tags: w.tags,
        enabled: w.enabled,
        draining: w.draining,
        maxTasks: w.maxTasks,
        maxCpuPercent: w.maxCpuPercent,
        minFreeMemoryBytes: w.minFreeMemoryBytes,
        revokedAt: w.revokedAt ?? null,
      })),
      properties,
    });
  };

  beforeAll(async () => {
    master = await startTestMaster({ log: captured.log });
    await call('folder.create', { name: 'Ops', description: 'fuzz' });
    await call('project.deploy', { folderName: 'Ops', bundle: echoProject() });
    await call('environment.create', { folderName: 'Ops', environmentName: 'Dev' });
    await call('environment.setVariable', {
      folderName: 'Ops',
      environmentName: 'Dev',
      name: 'Target',
      dataType: 'String',
      value: 'db1',
    });
    // A worker row for the worker.* methods: one hello over the real agent endpoint, then gone.
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(master.agentUrl, agentTlsOptions(master));
      ws.on('open', () => ws.send(JSON.stringify(hello(master.agentToken, 'w-fuzz', 'fuzz-worker'))));
      ws.on('message', () => ws.close());
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    await call('execution.create', {
      folderName: 'Ops',
      projectName: 'Echo',
      packageName: 'Say',
      parameters: { Target: 'x' },
    });
  });
  afterAll(async () => {
    if (internalErrors.length > 0) {
      const kinds = new Map<string, (typeof internalErrors)[number]>();
      for (const e of internalErrors) kinds.set(`${e.method}: ${e.message}`, e);
      console.log(`500 answers seen: ${internalErrors.length}, ${kinds.size} kinds:`);
      for (const [kind, e] of kinds)
        console.log(`  ${kind} (logged: ${e.logged}) e.g. body ${e.body.slice(0, 160)}`);
    }
    await master?.cleanup();
  });

  let lastSnapshot: string | null = null;

  /** Sends one body; checks the answer's shape, the 500 rule and the no-state-change rule. */
  async function probe(method: string, body: string): Promise<void> {
    // A refusal changes nothing (checked below), so the snapshot after one is the next one's before.
    const before = lastSnapshot ?? (await snapshot());
    lastSnapshot = null;
    const errorsBefore = captured.errors().length;
    const reply = await post(master.consoleUrl, `/api/${method}`, master.consoleToken, body);
    // Always a JSON answer saying ok or not, with an error code when not.
    expect(reply.json, `${method} answered ${reply.status} ${reply.text.slice(0, 200)}`).not.toBeNull();
    expect(typeof reply.json!.ok).toBe('boolean');
    if (reply.status >= 500) {
      const logged = captured.errors().length > errorsBefore;
      internalErrors.push({ method, body, message: reply.json?.error?.message ?? reply.text, logged });
      expect(logged, `${method} answered ${reply.status} without a logged cause`).toBe(true);
    }
    if (reply.json!.ok) return; // accepted: a change is the point of the call
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.json!.error?.code).toEqual(expect.any(String));
    expect(reply.json!.error?.message).toEqual(expect.any(String));
    const after = await snapshot();
    expect(after, `${method} changed the catalog although it refused ${body.slice(0, 200)}`).toBe(before);
    lastSnapshot = after;
    // Nothing the input carried reached Object.prototype of this process (the master runs in it).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }

  // auth.logout last: it may end the credential the rest of the run uses.
  const methods = (Object.keys(apiMethods) as ApiMethodName[]).sort(
    (a, b) => Number(a === 'auth.logout') - Number(b === 'auth.logout'),
  );

  it.each(methods)('%s: random, mutated and malformed requests', async (method) => {
    const input = arbitraryFor(apiMethods[method].input);
    await fc.assert(
      fc.asyncProperty(input, async (value) => probe(method, toBodyText(value))),
      { seed: seedFor(`${method}:validish`), numRuns: RUNS.validish, endOnFailure: true },
    );
    await fc.assert(
      fc.asyncProperty(input, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (value, ms) =>
        probe(method, toBodyText(mutate(value ?? {}, ms))),
      ),
      { seed: seedFor(`${method}:mutated`), numRuns: RUNS.mutated, endOnFailure: true },
    );
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => probe(method, body)),
      { seed: seedFor(`${method}:raw`), numRuns: RUNS.raw, endOnFailure: true },
    );
  });

  it('still answers after the fuzzing, and every 500 had a logged cause', async () => {
    const info = await call('master.info');
    expect(info.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(internalErrors.filter((e) => !e.logged)).toEqual([]);
  });
});

const hello = (token: string, workerId: string, name: string) =>
  agentHello(token, { agentVersion: 'fuzz', workerId, name });

/** The close codes a master may end a misbehaving agent with, each meaning something clear. */
const CLEAR_CODES = new Set<number>([...Object.values(CloseCode), 1009]);

describe('agent endpoint under fuzzing', () => {
  let master: TestMaster;
  let tls: WebSocket.ClientOptions;
  let counter = 0;

  beforeAll(async () => {
    master = await startTestMaster({ timings: { helloTimeoutMs: 2_000 } });
    tls = agentTlsOptions(master);
  });
  afterAll(() => master?.cleanup());

  /**
   * Opens a connection, sends `frames`, then a frame that is surely wrong (so a master that took
   * the fuzzed frames closes too), and resolves with how the master closed it.
   */
  function session(frames: (string | Buffer)[]): Promise<{ code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(master.agentUrl, tls);
      const timer = setTimeout(() => reject(new Error('the master neither answered nor closed')), 10_000);
      ws.on('open', () => {
        for (const f of frames) ws.send(f);
        ws.send(JSON.stringify({ type: 'task.request', credit: 'sentinel' }));
      });
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
      ws.on('error', () => undefined); // the close that follows says what happened
    });
  }

  /** A well-behaved agent still gets its welcome: the master stays up for everyone else. */
  async function goodAgentWelcomed(): Promise<boolean> {
    const ws = new WebSocket(master.agentUrl, tls);
    const welcome = await new Promise<unknown>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify(hello(master.agentToken, 'w-good', 'good'))));
      ws.on('message', (data) => resolve(JSON.parse(String(data))));
      ws.on('error', reject);
    });
    ws.close();
    return (welcome as { type?: string }).type === 'master.welcome';
  }

  const frameArbitrary = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(arbitraryFor(WorkerMessage), fc.array(mutation, { maxLength: 3 })) },
    { weight: 1, arbitrary: fc.tuple(rawBody, fc.constant([])) },
  );

  const checkClose = (result: { code: number; reason: string }) => {
    expect(CLEAR_CODES.has(result.code), `closed with ${result.code} ${result.reason}`).toBe(true);
    if (result.code === CloseCode.protocolViolation) expect(result.reason.length).toBeGreaterThan(0);
  };

  it('random and mutated first frames: each offender is closed with a clear code', async () => {
    await fc.assert(
      fc.asyncProperty(frameArbitrary, async ([value, ms]) => {
        const frame = typeof value === 'string' ? value : toBodyText(mutate(value, ms));
        checkClose(await session([frame]));
      }),
      { seed: seedFor('agent:first'), numRuns: 100, endOnFailure: true },
    );
    expect(await goodAgentWelcomed()).toBe(true);
  });

  it('random and mutated frames after a good hello: closed with a clear code, others still served', async () => {
    await fc.assert(
      fc.asyncProperty(frameArbitrary, fc.boolean(), async ([value, ms], binary) => {
        counter += 1;
        const frame = typeof value === 'string' ? value : toBodyText(mutate(value, ms));
        const sent = binary ? Buffer.from(frame) : frame;
        const greeting = JSON.stringify(hello(master.agentToken, `w-fuzz-${counter}`, `fuzz ${counter}`));
        checkClose(await session([greeting, sent]));
      }),
      { seed: seedFor('agent:after-hello'), numRuns: 120, endOnFailure: true },
    );
    expect(await goodAgentWelcomed()).toBe(true);
    const info = await post(master.consoleUrl, '/api/master.info', master.consoleToken, '{}');
    expect(info.status).toBe(200);
  });
});
