import { describe, expect, it } from 'vitest';
import { MessageType } from '../../../master-core/protocol/codes';
import { constraint, expr, failing, mark, runTestPackage, trace, traceVariable } from './engineKit';

const pkg = (
  tasks: unknown[],
  precedenceConstraints: unknown[] = [],
  extra: Record<string, unknown> = {},
) => ({
  variables: [traceVariable],
  tasks,
  precedenceConstraints,
  ...extra,
});

describe('precedence constraints', () => {
  it('Success, Failure and Completion decide what runs next', async () => {
    const run = await runTestPackage(
      pkg(
        [mark('A'), failing('B'), mark('OnA'), mark('OnBFailed'), mark('OnBSucceeded'), mark('AfterB')],
        [
          constraint('A', 'B'),
          constraint('A', 'OnA'),
          constraint('OnA', 'OnBFailed'),
          constraint('B', 'OnBFailed', { value: 'Failure' }),
          constraint('B', 'OnBSucceeded'),
          constraint('B', 'AfterB', { value: 'Completion' }),
          constraint('OnBFailed', 'AfterB'),
        ],
        { maximumErrorCount: 2 },
      ),
    );
    expect(trace(run).split(';').filter(Boolean).sort()).toEqual(['A', 'AfterB', 'OnA', 'OnBFailed']);
    expect(run.statistics.find((s) => s.path === '\\Package\\B')?.result).toBe(1);
    expect(run.statistics.some((s) => s.path === '\\Package\\OnBSucceeded')).toBe(false);
    // One error (B's) is below the package's MaximumErrorCount of 2: the package succeeds.
    expect(run.outcome).toBe('succeeded');
  });

  it('with the default MaximumErrorCount of 1, a handled failure still fails the package (as SSIS)', async () => {
    const run = await runTestPackage(
      pkg([failing('B'), mark('Alert')], [constraint('B', 'Alert', { value: 'Failure' })]),
    );
    expect(trace(run)).toBe('Alert;');
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(/B: expression .*divide by zero/);
  });

  it('expressions and evalOp: Expression, ExpressionAndConstraint, ExpressionOrConstraint', async () => {
    const run = await runTestPackage(
      pkg(
        [expr('Set', '@[User::N] = 5'), mark('Big'), mark('Small'), mark('BigAndOk'), mark('SmallOrOk')],
        [
          constraint('Set', 'Big', { evalOp: 'Expression', expression: '@[User::N] > 3' }),
          constraint('Set', 'Small', { evalOp: 'Expression', expression: '@[User::N] <= 3' }),
          constraint('Set', 'BigAndOk', { evalOp: 'ExpressionAndConstraint', expression: '@[User::N] > 3' }),
          constraint('Set', 'SmallOrOk', { evalOp: 'ExpressionOrConstraint', expression: '@[User::N] < 0' }),
        ],
        {
          variables: [traceVariable, { name: 'N', dataType: 'Int32', value: 0 }],
          maxConcurrentExecutables: 1,
        },
      ),
    );
    expect(run.outcome).toBe('succeeded');
    expect(trace(run).split(';').filter(Boolean).sort()).toEqual(['Big', 'BigAndOk', 'SmallOrOk']);
  });

  it('several constraints combine with AND (all) or OR (any)', async () => {
    const run = await runTestPackage(
      pkg(
        [mark('A'), failing('B'), mark('AllOk'), mark('AnyOk')],
        [
          constraint('A', 'AllOk'),
          constraint('B', 'AllOk'),
          constraint('A', 'AnyOk', { logicalAnd: false }),
          constraint('B', 'AnyOk', { logicalAnd: false }),
        ],
        { maximumErrorCount: 0 },
      ),
    );
    expect(trace(run)).not.toContain('AllOk');
    expect(trace(run)).toContain('AnyOk');
    expect(run.outcome).toBe('succeeded');
  });

  it('runs independent branches in parallel, up to MaxConcurrentExecutables', async () => {
    const sleeper = (name: string) => ({
      name,
      type: 'executeProcess',
      executable: '@[System::NodePath]',
      arguments: ['-e', 'setTimeout(() => {}, 300)'],
    });
    const order = (run: Awaited<ReturnType<typeof runTestPackage>>) =>
      run.events
        .filter((e) => e.messageType === MessageType.preExecute || e.messageType === MessageType.postExecute)
        .filter((e) => e.sourceName !== 'Pkg')
        .map((e) => `${e.messageType === MessageType.preExecute ? 'start' : 'end'} ${e.sourceName}`);
    const parallel = await runTestPackage({
      tasks: [sleeper('A'), sleeper('B'), sleeper('C')],
      maxConcurrentExecutables: 3,
    });
    expect(order(parallel).slice(0, 3)).toEqual(['start A', 'start B', 'start C']);
    const one = await runTestPackage({
      tasks: [sleeper('A'), sleeper('B'), sleeper('C')],
      maxConcurrentExecutables: 1,
    });
    const steps = order(one);
    // Each task's PreExecute may be sent before it waits for a slot, but no two run at once:
    // every task's end comes before the next task's process starts (its end follows its start).
    const ends = steps.filter((s) => s.startsWith('end'));
    expect(ends).toEqual(['end A', 'end B', 'end C']);
    expect(one.outcome).toBe('succeeded');
  });

  it('a disabled task is skipped and counts as succeeded for its constraints', async () => {
    const run = await runTestPackage(pkg([mark('A', { disabled: true }), mark('B')], [constraint('A', 'B')]));
    expect(trace(run)).toBe('B;');
    expect(run.statistics.some((s) => s.path === '\\Package\\A')).toBe(false);
  });

  it('FailPackageOnFailure stops the package: nothing new starts', async () => {
    const run = await runTestPackage(
      pkg(
        [failing('Fatal', { failPackageOnFailure: true }), mark('Later')],
        [constraint('Fatal', 'Later', { value: 'Completion' })],
        {
          maximumErrorCount: 0,
        },
      ),
    );
    expect(run.outcome).toBe('failed');
    expect(trace(run)).toBe('');
  });
});

describe('containers', () => {
  it('a Sequence has its own variables (hiding the package’s) and fails its parent only by the rules', async () => {
    const run = await runTestPackage(
      pkg(
        [
          {
            name: 'Seq',
            type: 'sequence',
            variables: [{ name: 'Trace', dataType: 'String', value: 'inner:' }],
            tasks: [mark('In1'), mark('In2')],
            precedenceConstraints: [constraint('In1', 'In2')],
          },
          mark('Out'),
        ],
        [constraint('Seq', 'Out')],
      ),
    );
    expect(run.outcome).toBe('succeeded');
    expect(run.lines).toContain('\\Package\\Seq\\In2|70|User::Trace = inner:In1;In2;');
    expect(trace(run)).toBe('Out;');
    expect(run.statistics.map((s) => s.path)).toEqual(
      expect.arrayContaining(['\\Package\\Seq\\In1', '\\Package\\Seq', '\\Package\\Out', '\\Package']),
    );
    const failed = await runTestPackage(
      pkg(
        [
          { name: 'Tolerant', type: 'sequence', maximumErrorCount: 5, tasks: [failing('Bad')] },
          mark('After'),
        ],
        [constraint('Tolerant', 'After')],
        { maximumErrorCount: 0 },
      ),
    );
    // The sequence tolerates the error (5 allowed): it succeeds, so After runs.
    expect(trace(failed)).toBe('After;');
    const strict = await runTestPackage(
      pkg(
        [{ name: 'Strict', type: 'sequence', tasks: [failing('Bad')] }, mark('After')],
        [constraint('Strict', 'After')],
        {
          maximumErrorCount: 0,
        },
      ),
    );
    expect(trace(strict)).toBe('');
    expect(strict.statistics.find((s) => s.path === '\\Package\\Strict')?.result).toBe(1);
  });

  it('FailParentOnFailure fails the container even when errors are tolerated', async () => {
    const run = await runTestPackage(
      pkg(
        [
          {
            name: 'Seq',
            type: 'sequence',
            maximumErrorCount: 0,
            tasks: [failing('Bad', { failParentOnFailure: true })],
          },
        ],
        [],
        { maximumErrorCount: 0 },
      ),
    );
    expect(run.statistics.find((s) => s.path === '\\Package\\Seq')?.result).toBe(1);
  });

  it('a For Loop runs init, eval and assign', async () => {
    const run = await runTestPackage({
      variables: [
        { name: 'I', dataType: 'Int32', value: 0 },
        { name: 'Sum', dataType: 'Int32', value: 0 },
      ],
      tasks: [
        {
          name: 'Loop',
          type: 'forLoop',
          initExpression: '@[User::I] = 1',
          evalExpression: '@[User::I] <= 4',
          assignExpression: '@[User::I] = @[User::I] + 1',
          tasks: [expr('Add', '@[User::Sum] = @[User::Sum] + @[User::I]')],
        },
      ],
    });
    expect(run.outcome).toBe('succeeded');
    expect(run.messages(MessageType.information)).toContain('User::Sum = 10');
    expect(run.messages(MessageType.information)).toContain('Loop: 4 iteration(s).');
    const runaway = await runTestPackage({
      tasks: [
        {
          name: 'Loop',
          type: 'forLoop',
          evalExpression: 'TRUE',
          maxIterations: 3,
          tasks: [expr('Noop', '@[User::X] = 1')],
        },
      ],
      variables: [{ name: 'X', dataType: 'Int32' }],
    });
    expect(runaway.outcome).toBe('failed');
    expect(runaway.error).toMatch(/stopped after 3 iterations/);
  });

  it('a Foreach Loop over items maps item columns into variables; over a variable; stops on failure', async () => {
    const run = await runTestPackage({
      variables: [
        traceVariable,
        { name: 'Name', dataType: 'String' },
        { name: 'Qty', dataType: 'Int32' },
        { name: 'List', dataType: 'Object', value: ['x', 'y'] },
        { name: 'Item', dataType: 'String' },
      ],
      tasks: [
        {
          name: 'Items',
          type: 'foreachLoop',
          enumerator: {
            type: 'items',
            items: [
              ['apples', 3],
              ['pears', 5],
            ],
          },
          variableMappings: [
            { variable: 'User::Name', index: 0 },
            { variable: 'User::Qty', index: 1 },
          ],
          tasks: [
            expr(
              'Add',
              '@[User::Trace] = @[User::Trace] + @[User::Name] + "=" + (DT_WSTR, 5)(@[User::Qty] * 2) + ";"',
            ),
          ],
        },
        {
          name: 'FromVariable',
          type: 'foreachLoop',
          enumerator: { type: 'variable', variable: 'User::List' },
          variableMappings: [{ variable: 'User::Item', index: 0 }],
          tasks: [expr('Add2', '@[User::Trace] = @[User::Trace] + @[User::Item] + ";"')],
        },
      ],
      precedenceConstraints: [constraint('Items', 'FromVariable')],
    });
    expect(run.outcome).toBe('succeeded');
    expect(trace(run)).toBe('apples=6;pears=10;x;y;');
    expect(run.messages(MessageType.information)).toContain('Items: 2 item(s).');
  });
});

describe('variables and expressions', () => {
  it('computes EvaluateAsExpression variables, refuses read-only ones, reports changes (type 80)', async () => {
    const run = await runTestPackage(
      {
        parameters: [{ name: 'Region', dataType: 'String', defaultValue: 'eu' }],
        variables: [
          { name: 'Base', dataType: 'String', value: 'orders' },
          {
            name: 'FileName',
            dataType: 'String',
            expression: '@[User::Base] + "_" + @[$Package::Region] + ".csv"',
          },
          { name: 'Watched', dataType: 'Int32', value: 0, raiseChangedEvent: true },
          { name: 'Fixed', dataType: 'Int32', value: 1, readOnly: true },
          { name: 'Out', dataType: 'String' },
        ],
        tasks: [
          expr('Read', '@[User::Out] = @[User::FileName]'),
          expr('Watch', '@[User::Watched] = 5'),
          expr('Write', '@[User::Fixed] = 2'),
        ],
        precedenceConstraints: [constraint('Read', 'Watch'), constraint('Watch', 'Write')],
      },
      { parameterValues: { '$Package::Region': 'us' } },
    );
    expect(run.messages(MessageType.information)).toContain('User::Out = orders_us.csv');
    expect(run.messages(MessageType.variableValueChanged)).toEqual(['User::Watched changed to 5']);
    expect(run.error).toMatch(/User::Fixed is read-only/);
  });

  it('converts to the variable type or fails naming it', async () => {
    const run = await runTestPackage({
      variables: [{ name: 'N', dataType: 'Int32', value: 0 }],
      tasks: [expr('Set', '@[User::N] = "twelve"')],
    });
    expect(run.error).toMatch(/User::N is Int32: cannot store "twelve"/);
  });

  it('property expressions compute task properties before the task runs', async () => {
    const run = await runTestPackage({
      variables: [
        { name: 'Word', dataType: 'String', value: 'computed' },
        { name: 'Out', dataType: 'String' },
      ],
      tasks: [
        {
          name: 'Echo',
          type: 'executeProcess',
          executable: 'false-program-replaced-by-expression',
          arguments: ['-e', 'console.log(process.argv[1])', '@[User::Word]'],
          propertyExpressions: { executable: '@[System::NodePath]' },
          standardOutputVariable: 'User::Out',
        },
      ],
    });
    expect(run.outcome).toBe('succeeded');
    expect(run.messages(MessageType.information)).toContain('computed');
    const bad = await runTestPackage({
      tasks: [expr('E', '@[User::X] = 1', { propertyExpressions: { nope: '1' } })],
      variables: [{ name: 'X', dataType: 'Int32' }],
    });
    expect(bad.error).toMatch(/property nope of a expression task cannot be set by an expression/);
    const wrongType = await runTestPackage({
      tasks: [
        { name: 'P', type: 'executeProcess', executable: 'x', propertyExpressions: { timeoutMs: '"soon"' } },
      ],
    });
    expect(wrongType.error).toMatch(/property expression for timeoutMs/);
  });
});

describe('event handlers', () => {
  it('OnError and OnTaskFailed handlers run with the source and the error; propagate to the package', async () => {
    const run = await runTestPackage({
      variables: [traceVariable],
      tasks: [failing('Bad', { eventHandlers: { OnTaskFailed: { tasks: [mark('TaskFailedHere')] } } })],
      eventHandlers: {
        OnError: {
          variables: [{ name: 'Note', dataType: 'String' }],
          tasks: [
            expr(
              'Report',
              '@[User::Trace] = @[User::Trace] + "error from " + @[System::SourceName] + ": " + LEFT(@[System::ErrorDescription], 13) + ";"',
            ),
          ],
        },
      },
    });
    expect(run.outcome).toBe('failed');
    expect(trace(run)).toBe('error from Bad: expression "@;TaskFailedHere;');
    expect(run.lines.some((l) => l.startsWith('\\Package.EventHandlers[OnError]\\Report|40|'))).toBe(true);
  });

  it('OnPreExecute and OnPostExecute run for every executable below; an event inside its own handler does not loop', async () => {
    const run = await runTestPackage({
      variables: [traceVariable],
      tasks: [mark('A'), mark('B')],
      precedenceConstraints: [constraint('A', 'B')],
      eventHandlers: {
        OnPreExecute: {
          tasks: [expr('Pre', '@[User::Trace] = @[User::Trace] + "pre " + @[System::SourceName] + ";"')],
        },
        OnError: { tasks: [failing('FailingHandler')] },
      },
      maximumErrorCount: 0,
    });
    const t = trace(run);
    expect(t).toContain('pre Pkg;');
    expect(t).toContain('pre A;A;');
    expect(t).toContain('pre B;');
    // the handler's own Pre task does not raise OnPreExecute handlers again
    expect(t).not.toContain('pre Pre;');
    const loop = await runTestPackage({
      variables: [traceVariable],
      tasks: [failing('Bad')],
      eventHandlers: { OnError: { tasks: [failing('HandlerFails')] } },
    });
    expect(loop.outcome).toBe('failed');
    expect(loop.messages(MessageType.error)).toHaveLength(2);
  });

  it('OnWarning and OnInformation handlers see what tasks log', async () => {
    const run = await runTestPackage({
      variables: [traceVariable],
      tasks: [
        {
          name: 'Warn',
          type: 'executeProcess',
          executable: '@[System::NodePath]',
          arguments: ['-e', 'console.error("disk almost full")'],
        },
      ],
      eventHandlers: {
        OnWarning: {
          tasks: [
            expr('Saw', '@[User::Trace] = @[User::Trace] + "warned by " + @[System::SourceName] + ";"'),
          ],
        },
      },
    });
    expect(run.outcome).toBe('succeeded');
    expect(trace(run)).toBe('warned by Warn;');
  });
});

describe('logging levels', () => {
  const source = () => ({
    variables: [traceVariable],
    tasks: [mark('A'), failing('B')],
    precedenceConstraints: [constraint('A', 'B')],
  });
  it('None sends only errors; Basic sends execution messages; Verbose everything; Performance warnings and errors', async () => {
    const none = await runTestPackage(source(), { loggingLevel: 0 });
    expect(new Set(none.events.map((e) => e.messageType))).toEqual(
      new Set([MessageType.error, MessageType.taskFailed]),
    );
    const basic = await runTestPackage(source(), { loggingLevel: 1 });
    expect(basic.messages(MessageType.preExecute).length).toBeGreaterThan(0);
    expect(basic.messages(MessageType.information)).toContain('User::Trace = A;');
    const performance = await runTestPackage(source(), { loggingLevel: 2 });
    expect(performance.messages(MessageType.preExecute)).toEqual([]);
    expect(performance.messages(MessageType.error).length).toBe(1);
    // Statistics are kept whatever the level.
    expect(none.statistics.map((s) => s.path)).toEqual(basic.statistics.map((s) => s.path));
  });
});

describe('Execute Package', () => {
  const child = {
    name: 'Child',
    parameters: [
      { name: 'Who', dataType: 'String', required: true },
      { name: 'Secret', dataType: 'String', sensitive: true, defaultValue: 'nothing' },
    ],
    variables: [{ name: 'Out', dataType: 'String' }],
    tasks: [
      expr(
        'Greet',
        '@[User::Out] = "hello " + @[$Package::Who] + " from " + @[System::PackageName] + " " + @[$Package::Secret]',
      ),
    ],
  };
  it('runs another package of the project with parameter bindings; its messages are under the task', async () => {
    const run = await runTestPackage(
      {
        name: 'Parent',
        variables: [{ name: 'Name', dataType: 'String', value: 'parent' }],
        tasks: [
          {
            name: 'Run child',
            type: 'executePackage',
            packageName: 'Child',
            parameterBindings: { Who: '@[User::Name]', Secret: '"hunter22"' },
          },
        ],
      },
      { childPackages: [child] },
    );
    expect(run.outcome).toBe('succeeded');
    expect(run.lines).toContain(
      '\\Package\\Run child\\Package\\Greet|70|User::Out = hello parent from Child ********',
    );
  });

  it('a failing child fails the task, and its errors reach the parent’s handlers', async () => {
    const run = await runTestPackage(
      {
        name: 'Parent',
        variables: [traceVariable],
        tasks: [{ name: 'Run child', type: 'executePackage', packageName: 'Bad' }],
        eventHandlers: {
          OnError: { tasks: [expr('Note', '@[User::Trace] = @[User::Trace] + @[System::SourceName] + ";"')] },
        },
      },
      { childPackages: [{ name: 'Bad', variables: [traceVariable], tasks: [failing('Boom')] }] },
    );
    expect(run.outcome).toBe('failed');
    expect(trace(run)).toBe('Boom;Run child;');
  });
});

describe('cancellation', () => {
  it('stops running tasks and starts nothing new', async () => {
    const controller = new AbortController();
    const pending = runTestPackage(
      pkg(
        [{ name: 'Sleep', type: 'executeProcess', executable: 'sleep', arguments: ['30'] }, mark('After')],
        [constraint('Sleep', 'After', { value: 'Completion' })],
      ),
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    const run = await pending;
    expect(run.outcome).toBe('failed');
    expect(run.error).toBe('the execution was stopped');
    expect(trace(run)).toBe('');
    expect(run.statistics.find((s) => s.path === '\\Package\\Sleep')?.result).toBe(3);
  });
});

describe('statistics', () => {
  it('keeps at most MAX_STATISTICS rows, so the report always fits, and says so once', async () => {
    const run = await runTestPackage(
      {
        variables: [{ name: 'I', dataType: 'Int32', value: 0 }],
        tasks: [
          {
            name: 'Loop',
            type: 'forLoop',
            evalExpression: '@[User::I] < 10005',
            assignExpression: '@[User::I] = @[User::I] + 1',
            tasks: [expr('Tick', '@[User::I] = @[User::I]')],
          },
        ],
      },
      { loggingLevel: 2 },
    );
    expect(run.outcome).toBe('succeeded');
    expect(run.statistics).toHaveLength(10_000);
    expect(run.messages(MessageType.warning)).toEqual([
      'more than 10000 executable runs: statistics after the first 10000 are not kept',
    ]);
  });
});

describe('connection managers', () => {
  it('computes connection strings from parameters; a broken one fails only the task that opens it', async () => {
    const run = await runTestPackage(
      {
        variables: [{ name: 'N', dataType: 'Int32', value: 0 }],
        connectionManagers: [
          { name: 'Broken', type: 'sqlite', propertyExpressions: { connectionString: '1 / 0' } },
        ],
        tasks: [
          {
            name: 'Count',
            type: 'executeSql',
            connection: 'Db',
            sqlStatement: 'SELECT 41 + 1 AS n',
            resultSet: 'SingleRow',
            resultBindings: [{ column: 'n', variable: 'User::N' }],
          },
          { name: 'UsesBroken', type: 'executeSql', connection: 'Broken', sqlStatement: 'SELECT 1' },
        ],
      },
      {
        parameterValues: { '$Project::Db': ':memory:' },
        projectConnections: [
          { name: 'Db', type: 'sqlite', propertyExpressions: { connectionString: '@[$Project::Db]' } },
        ],
      },
    );
    expect(run.statistics.find((s) => s.path === '\\Package\\Count')?.result).toBe(0);
    expect(run.error).toMatch(/^UsesBroken: connection manager Broken: expression "1 \/ 0": divide by zero/);
  });
});

describe('errors a task logs', () => {
  it('count like any error: the task goes on, the package fails at its end with MaximumErrorCount 1', async () => {
    const run = await runTestPackage({
      variables: [traceVariable],
      tasks: [
        { name: 'Checks', type: 'script', code: "log.error('row 7 is bad'); log.info('went on');" },
        mark('After'),
      ],
      precedenceConstraints: [constraint('Checks', 'After')],
    });
    expect(run.messages(MessageType.error)).toEqual(['row 7 is bad']);
    expect(run.messages(MessageType.information)).toContain('went on');
    expect(trace(run)).toBe('After;');
    expect(run.outcome).toBe('failed');
  });
});
