// The script API, end to end through a real script host process: parameters, variables, logs,
// progress, fail, queries on a real SQLite file, and what comes back to the execution host.
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScriptErrorCode } from '../engine/script/scriptError';
import { runScriptTask } from '../engine/tasks/scriptTask';
import { waitGone } from './fixtures/hostTestKit';
import type { TestContext, TestContextOptions } from './fixtures/scriptTestKit';
import {
  ESCAPE,
  ensureScriptHostBuilt,
  loggedPid,
  openSqlite,
  scriptTask,
  tempDir,
  testContext,
} from './fixtures/scriptTestKit';

let work: ReturnType<typeof tempDir>;
let context: TestContext | null = null;
beforeAll(() => ensureScriptHostBuilt());
beforeEach(() => {
  work = tempDir();
});
afterEach(async () => {
  await context?.close();
  context = null;
  work.remove();
});

function contextWith(options: Omit<TestContextOptions, 'workDir'> = {}): TestContext {
  context = testContext({ workDir: work.dir, ...options });
  return context;
}

describe('script API', () => {
  it('reads parameters and system values, and sets user variables the engine then converts', async () => {
    const ctx = contextWith({
      user: { 'User::Count': ['Int32', 1], 'User::Note': ['String', ''], 'User::Rows': ['Object', []] },
      readOnly: { '$Project::Env': 'prod', '$Package::Limit': 10, 'System::MachineName': 'w1' },
    });
    await runScriptTask(
      scriptTask(`
        User.Count = User.Count + $Package.Limit;
        User.Note = $Project.Env + '@' + System.MachineName;
        User.Rows.push({ a: 1 });
      `),
      ctx,
    );
    expect(ctx.values.get('User::Count')).toBe(11);
    expect(ctx.values.get('User::Note')).toBe('prod@w1');
    expect(ctx.values.get('User::Rows')).toEqual([{ a: 1 }]);
  });

  it('keeps parameters and system values read-only and refuses unknown variables', async () => {
    const ctx = contextWith({ readOnly: { '$Package::Limit': 10 } });
    await runScriptTask(
      scriptTask(`
        $Package.Limit = 5; // frozen: ignored, as the code is not strict mode
        (() => { 'use strict'; try { $Package.Limit = 6; } catch (e) { log.info('strict: ' + e.constructor.name); } })();
        try { User.Typo = 1; } catch (e) { log.info(e.message); }
        log.info('limit ' + $Package.Limit);
      `),
      ctx,
    );
    expect(ctx.messages('information')).toEqual([
      'strict: TypeError',
      'User::Typo is not a variable of this package',
      'limit 10',
    ]);
  });

  it('fails naming the variable when a value does not convert', async () => {
    const ctx = contextWith({ user: { 'User::Count': ['Int32', 1] } });
    await expect(runScriptTask(scriptTask(`User.Count = 'many';`), ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.variable,
      message: expect.stringMatching(/^cannot set User::Count: .*cannot convert "many"/),
    });
  });

  it('passes dates as ISO strings both ways', async () => {
    const when = new Date('2024-05-06T07:08:09.000Z');
    const ctx = contextWith({ user: { 'User::When': ['DateTime', when] } });
    await runScriptTask(
      scriptTask(`
        log.info(typeof User.When, User.When);
        User.When = new Date(Date.parse(User.When) + 1000);
      `),
      ctx,
    );
    expect(ctx.messages('information')).toEqual(['string 2024-05-06T07:08:09.000Z']);
    expect(ctx.values.get('User::When')).toEqual(new Date('2024-05-06T07:08:10.000Z'));
  });

  it('logs at every level, reports progress, and formats objects as JSON', async () => {
    const ctx = contextWith();
    await runScriptTask(
      scriptTask(`
        log.info('a', 1, { b: [2] });
        log.information('b');
        log.warning('c');
        log.error('d');
        console.log('e');
        log.progress(150, 'almost');
        await new Promise((resolve) => setTimeout(resolve, 5));
      `),
      ctx,
    );
    expect(ctx.logs).toEqual([
      { level: 'information', message: 'a 1 {"b":[2]}' },
      { level: 'information', message: 'b' },
      { level: 'warning', message: 'c' },
      { level: 'error', message: 'd' },
      { level: 'information', message: 'e' },
      { level: 'progress', message: 'almost', percent: 100 },
    ]);
  });

  it('fail() ends the task with its message, even when the script catches it', async () => {
    const ctx = contextWith({ user: { 'User::Count': ['Int32', 1] } });
    const task = scriptTask(`
      User.Count = 2;
      try { fail('the input is empty'); } catch {}
      await new Promise((resolve) => setTimeout(resolve, 50));
      log.info('still here');
    `);
    await expect(runScriptTask(task, ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.scriptFailed,
      message: 'the input is empty',
    });
    // A failed script changes nothing.
    expect(ctx.values.get('User::Count')).toBe(1);
  });

  it('fails with the error a script throws, naming its line', async () => {
    const ctx = contextWith();
    const task = scriptTask(`const a = 1;\nawait null;\nthrow new Error('boom ' + a);`, { file: 'load.js' });
    await expect(runScriptTask(task, ctx)).rejects.toThrow(/^boom 1 \(load\.js:3\)$/);
  });

  it('refuses a task without code', async () => {
    const ctx = contextWith();
    await expect(runScriptTask(scriptTask('  '), ctx)).rejects.toThrow('the script task has no code');
    await expect(runScriptTask(scriptTask('', { code: undefined }), ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.noCode,
    });
  });

  it('runs queries on the execution host side, against a real SQLite file', async () => {
    const file = join(work.dir, 'data.sqlite');
    const setup = openSqlite(file);
    await setup.exec(`CREATE TABLE t (id INTEGER, name TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b');`);
    await setup.close();
    const ctx = contextWith({ sqlite: { Data: file }, user: { 'User::Names': ['String', ''] } });
    await runScriptTask(
      scriptTask(`
        await connections.query('Data', 'INSERT INTO t VALUES (?, ?)', [3, 'c']);
        const rows = await connections.query('Data', 'SELECT name FROM t WHERE id >= ? ORDER BY id', [2]);
        User.Names = rows.map((r) => r.name).join(',');
        try { await connections.query('Data', 'SELECT nope FROM t'); }
        catch (e) { log.warning(e.message); }
        try { await connections.query('Missing', 'SELECT 1'); }
        catch (e) { log.warning(e.message); }
      `),
      ctx,
    );
    expect(ctx.values.get('User::Names')).toBe('b,c');
    expect(ctx.messages('warning')).toEqual([
      expect.stringMatching(/no such column: nope/),
      'no connection manager named Missing',
    ]);
  });

  it('ends when the body resolves, whatever timers the script left running', async () => {
    const ctx = contextWith();
    const started = Date.now();
    await runScriptTask(
      scriptTask(`${ESCAPE} log.info('pid ' + proc.pid); setTimeout(() => log.info('late'), 30_000);`),
      ctx,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await waitGone(loggedPid(ctx))).toBe(true);
    expect(ctx.messages('information')).not.toContain('late');
  });

  it('allows top-level await and returns', async () => {
    const ctx = contextWith({ user: { 'User::N': ['Int32', 0] } });
    await runScriptTask(
      scriptTask(`const n = await Promise.resolve(4);\nif (n === 4) { User.N = n; return; }\nUser.N = -1;`),
      ctx,
    );
    expect(ctx.values.get('User::N')).toBe(4);
  });
});
