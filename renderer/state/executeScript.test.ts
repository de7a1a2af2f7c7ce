// eslint-disable-next-line no-restricted-imports -- this test runs in Node: a real POSIX shell reads the generated words back
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ExecutionRequest } from './executeRequest';
import { cliScript, httpScript, secretVariable, shellQuote } from './executeScript';
import type { ScriptContext } from './executeScript';
import { previewSummary } from './machinePreview';

const context: ScriptContext = {
  baseUrl: 'http://127.0.0.1:8390',
  referenceOf: (_folder, _project, id) =>
    id === 4
      ? { referenceId: 4, referenceType: 'A', environmentFolderName: 'Shared', environmentName: 'Prod' }
      : id === 5
        ? { referenceId: 5, referenceType: 'R', environmentFolderName: 'Ops', environmentName: 'Test' }
        : undefined,
};

const request = (
  patch: Partial<ExecutionRequest['input']> = {},
  sensitiveKeys: string[] = [],
): ExecutionRequest => ({
  targetKey: 'Ops/Loads/Load',
  sensitiveKeys,
  input: {
    folderName: 'Ops',
    projectName: 'Loads',
    packageName: 'Load',
    parameters: {},
    retryCount: 0,
    priority: 0,
    loggingLevel: 1,
    timeoutMs: null,
    maxQueueWaitMs: null,
    targeting: { kind: 'any' },
    ...patch,
  },
});

/** What a POSIX shell makes of a word list (printf one per line). */
const shellWords = (words: string) =>
  execFileSync('sh', ['-c', `printf '%s\\0' ${words}`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);

describe('shellQuote', () => {
  it('gives back every string unchanged through a real shell', () => {
    const samples = ["it's", '$HOME', 'a b', '`id`', 'x\ny', '"q"', '\\', '', 'plain-1.2/x', '*', '!', "'"];
    expect(shellWords(samples.map(shellQuote).join(' '))).toEqual(samples);
    expect(shellQuote('plain-1.2/x')).toBe('plain-1.2/x');
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe('cliScript', () => {
  it('writes scaleout run with every option, quoting values and reading secrets from variables', () => {
    const script = cliScript(
      [
        request(
          {
            parameters: {
              '$Package::Days': 7,
              '$Project::Note': "it's $5",
              '$Project::Secret': 'hunter2',
              'CM.Warehouse.Password': 'pw-99',
            },
            referenceId: 4,
            retryCount: 2,
            priority: -5,
            loggingLevel: 3,
            timeoutMs: 1500,
            maxQueueWaitMs: 600_000,
            targeting: { kind: 'workers', names: ['etl 1', 'w2'] },
          },
          ['$Project::Secret', 'CM.Warehouse.Password'],
        ),
        request({ packageName: 'Other', referenceId: 5, targeting: { kind: 'tags', tags: ['linux'] } }),
      ],
      context,
    );
    expect(script).not.toContain('hunter2');
    expect(script).not.toContain('pw-99');
    expect(script).toBe(
      [
        '# Equivalent scaleout commands (POSIX shell).',
        'export SCALEOUT_URL=http://127.0.0.1:8390',
        '# export SCALEOUT_TOKEN=<console token>',
        '# Sensitive values are not shown: set these shell variables first.',
        '#   PROJECT_SECRET: $Project::Secret of Ops/Loads/Load',
        '#   CM_WAREHOUSE_PASSWORD: CM.Warehouse.Password of Ops/Loads/Load',
        '# --timeout takes whole seconds: 1.5 s rounded up to 2',
        'scaleout run Ops/Loads/Load \\',
        `  --param '$Package::Days=7' \\`,
        `  --param '$Project::Note=it'\\''s $5' \\`,
        `  --param '$Project::Secret='"$PROJECT_SECRET" \\`,
        `  --param CM.Warehouse.Password="$CM_WAREHOUSE_PASSWORD" \\`,
        '  --environment Shared/Prod \\',
        '  --retries 2 --priority -5 --logging-level 3 --timeout 2 --max-queue-wait 600 \\',
        "  --worker 'etl 1' --worker w2",
        'scaleout run Ops/Loads/Other \\',
        '  --environment Test \\',
        '  --logging-level 1 \\',
        '  --tag linux',
      ].join('\n'),
    );
  });

  it('is a script a shell parses into the intended words, secrets from the environment', () => {
    const script = cliScript(
      [
        request({ parameters: { '$Project::Note': "a 'b' $c", '$Project::Secret': 'x' } }, [
          '$Project::Secret',
        ]),
      ],
      context,
    );
    const command = script
      .split('\n')
      .filter((l) => !l.startsWith('#') && !l.startsWith('export'))
      .join('\n');
    const words = execFileSync(
      'sh',
      ['-c', `set -- ${command.replace(/^scaleout run /, '')}; printf '%s\\n' "$@"`],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, PROJECT_SECRET: 'from-env' },
      },
    )
      .split('\n')
      .slice(0, -1);
    expect(words).toEqual([
      'Ops/Loads/Load',
      '--param',
      "$Project::Note=a 'b' $c",
      '--param',
      '$Project::Secret=from-env',
      '--logging-level',
      '1',
    ]);
  });
});

describe('httpScript', () => {
  it('posts the JSON body with a bearer token from the environment and placeholders for secrets', () => {
    const script = httpScript(
      [request({ parameters: { '$Project::Note': "it's", 'CM.Db.Password': 'pw-99' } }, ['CM.Db.Password'])],
      context,
    );
    expect(script).not.toContain('pw-99');
    expect(script).toContain('curl -sS -X POST http://127.0.0.1:8390/api/execution.create \\');
    expect(script).toContain(`-H "Authorization: Bearer $SCALEOUT_TOKEN"`);
    expect(script).toContain('# Replace each "<sensitive: ...>" with its value before running.');
    const body = execFileSync(
      'sh',
      ['-c', `printf '%s' ${script.slice(script.indexOf('--data-binary ') + '--data-binary '.length)}`],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(body)).toEqual({
      ...request().input,
      parameters: { '$Project::Note': "it's", 'CM.Db.Password': '<sensitive: CM.Db.Password>' },
    });
  });
});

describe('secretVariable and previewSummary', () => {
  it('names variables and summarises a preview', () => {
    expect(secretVariable('$Package::Db Password')).toBe('PACKAGE_DB_PASSWORD');
    expect(secretVariable('CM.My.Conn.Password')).toBe('CM_MY_CONN_PASSWORD');
    const worker = (name: string, eligible: boolean) => ({ name, state: 'online', eligible, reason: '' });
    expect(
      previewSummary({
        eligibleWorkers: 3,
        neverRunnable: false,
        workers: ['a', 'b', 'c', 'd', 'e'].map((n, i) => worker(n, i < 3)),
      }),
    ).toBe('3 of 5 workers eligible now');
    expect(previewSummary({ eligibleWorkers: 0, neverRunnable: true, workers: [worker('a', false)] })).toBe(
      '0 of 1 worker eligible: no enabled worker could ever take these executions.',
    );
    expect(previewSummary({ eligibleWorkers: 0, neverRunnable: false, workers: [] })).toMatch(/No workers/);
  });
});
