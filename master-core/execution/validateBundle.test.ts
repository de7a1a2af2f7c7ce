import { describe, expect, it } from 'vitest';
import { ProjectBundle } from '../protocol/packageFormat';
import { childPackagesOf, validateBundle } from './validateBundle';

const bundle = (packages: Record<string, unknown>[]) =>
  ProjectBundle.parse({
    project: {
      name: 'P',
      parameters: [{ name: 'Env', dataType: 'String' }],
      connectionManagers: [{ name: 'Web', type: 'http', connectionString: 'http://127.0.0.1:1' }],
    },
    packages,
  });
const one = (pkg: Record<string, unknown>) =>
  validateBundle(bundle([{ name: 'K', variables: [{ name: 'V', dataType: 'String' }], ...pkg }]));
const process = (args: string[]) => ({
  name: 'T',
  type: 'executeProcess',
  executable: '@[System::NodePath]',
  arguments: args,
});

describe('validateBundle', () => {
  it('accepts references to parameters, variables and system variables, in any case', () => {
    expect(
      one({
        parameters: [{ name: 'N', dataType: 'Int32' }],
        tasks: [process(['@[$Project::Env] @[$package::n]', '@[User::V]', '@[System::ExecutionId]'])],
      }),
    ).toEqual([]);
  });

  it('reports every unknown reference with its package and path', () => {
    expect(one({ tasks: [process(['@[$Project::Nope]', 'x', '@[User::Missing] @[Bad]'])] })).toEqual([
      { where: 'K', path: 'tasks.0.arguments.0', message: 'unknown reference @[$Project::Nope]' },
      { where: 'K', path: 'tasks.0.arguments.2', message: 'unknown reference @[User::Missing]' },
      { where: 'K', path: 'tasks.0.arguments.2', message: 'unknown reference @[User::Bad]' },
    ]);
  });

  it('lists an unknown variable, a bad expression and a missing connection together', () => {
    const problems = one({
      tasks: [
        { name: 'E', type: 'expression', expression: '@[User::Nope] = 1' },
        { name: 'F', type: 'expression', expression: '@[User::V] = UPPER(' },
        { name: 'S', type: 'executeSql', connection: 'Db', sqlStatement: 'select 1' },
        { name: 'W', type: 'webRequest', connection: 'Db2', url: '/' },
        { name: 'X', type: 'executeSql', connection: 'Web', sqlStatement: 'select 1' },
      ],
    });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'tasks.0.expression: unknown reference @[User::Nope] in "@[User::Nope] = 1"',
      expect.stringMatching(/^tasks\.1\.expression: expression "@\[User::V\] = UPPER\(": /),
      'tasks.2.connection: unknown connection manager Db (known: Web)',
      'tasks.3.connection: unknown connection manager Db2 (known: Web)',
      'tasks.4.connection: connection manager Web is http; this needs sqlite or postgresql',
    ]);
  });

  it('knows scopes: a container’s variables only inside it, event variables only in handlers', () => {
    const problems = one({
      tasks: [
        {
          name: 'Seq',
          type: 'sequence',
          variables: [{ name: 'Inner', dataType: 'Int32' }],
          tasks: [{ name: 'In', type: 'expression', expression: '@[User::Inner] = 1' }],
          eventHandlers: {
            OnError: {
              tasks: [
                { name: 'H', type: 'expression', expression: '@[User::V] = @[System::ErrorDescription]' },
              ],
            },
          },
        },
        { name: 'Out', type: 'expression', expression: '@[User::Inner] = 2' },
        { name: 'Err', type: 'expression', expression: '@[User::V] = @[System::ErrorDescription]' },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual(['tasks.1.expression', 'tasks.2.expression']);
  });

  it('checks precedence constraints: unknown ends, cycles, mixed AND/OR, missing expressions', () => {
    const mark = (name: string) => ({ name, type: 'expression', expression: '@[User::V] = "x"' });
    const problems = one({
      tasks: [mark('A'), mark('B'), mark('C')],
      precedenceConstraints: [
        { from: 'A', to: 'B' },
        { from: 'B', to: 'A' },
        { from: 'A', to: 'Nope' },
        { from: 'A', to: 'C' },
        { from: 'B', to: 'C', logicalAnd: false },
        { from: 'C', to: 'B', evalOp: 'Expression' },
        { from: 'A', to: 'C', evalOp: 'ExpressionAndConstraint', expression: '@[User::V] == 1 +' },
      ],
    });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'precedenceConstraints.2.to: no task or container named Nope in this control flow',
      'precedenceConstraints.4.logicalAnd: constraints into C must all use the same logicalAnd',
      'precedenceConstraints.5: evalOp Expression needs an expression',
      expect.stringMatching(/^precedenceConstraints\.6\.expression: expression "@\[User::V\] == 1 \+"/),
      'precedenceConstraints.6.logicalAnd: constraints into C must all use the same logicalAnd',
      'precedenceConstraints: precedence constraints form a cycle: a -> b -> a',
    ]);
  });

  it('checks Execute Package: the package, its parameters, required bindings, and cycles', () => {
    const problems = validateBundle(
      bundle([
        {
          name: 'Main',
          tasks: [
            { name: 'Run', type: 'executePackage', packageName: 'Child', parameterBindings: { Nope: '1' } },
            { name: 'Run2', type: 'executePackage', packageName: 'Missing' },
          ],
        },
        {
          name: 'Child',
          parameters: [{ name: 'Who', dataType: 'String', required: true }],
          tasks: [{ name: 'Back', type: 'executePackage', packageName: 'Main' }],
        },
      ]),
    );
    expect(problems.map((p) => `${p.where} ${p.path}: ${p.message}`)).toEqual([
      'Main tasks.0.parameterBindings.Nope: package Child has no parameter Nope',
      'Main tasks.0.parameterBindings: package Child needs parameter Who: bind it',
      'Main tasks.1.packageName: no package Missing in this project',
      'Main tasks: Execute Package tasks run packages in a cycle: main -> child -> main',
    ]);
  });

  it('refuses property expressions for properties that do not exist or cannot be set', () => {
    const problems = one({
      tasks: [{ ...process([]), propertyExpressions: { nope: '1', name: '"x"', timeoutMs: '1000' } }],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'tasks.0.propertyExpressions.nope',
      'tasks.0.propertyExpressions.name',
    ]);
  });

  it('finds the packages a package runs, directly or through others', () => {
    const b = bundle([
      {
        name: 'A',
        tasks: [
          { name: 'x', type: 'sequence', tasks: [{ name: 'y', type: 'executePackage', packageName: 'B' }] },
        ],
      },
      { name: 'B', tasks: [{ name: 'z', type: 'executePackage', packageName: 'C' }] },
      { name: 'C', tasks: [process([])] },
      { name: 'D', tasks: [process([])] },
    ]);
    expect(childPackagesOf(b.packages[0]!, b.packages).map((p) => p.name)).toEqual(['B', 'C']);
  });
});

describe('validateBundle: connection managers', () => {
  it('checks project connection managers’ expressions: project parameters and system variables only', () => {
    const problems = validateBundle(
      ProjectBundle.parse({
        project: {
          name: 'P',
          parameters: [{ name: 'Url', dataType: 'String' }],
          connectionManagers: [
            {
              name: 'Web',
              type: 'http',
              propertyExpressions: {
                connectionString: '@[$Project::Urll]',
                timeoutMs: '@[$Package::T]',
                name: '"x"',
              },
            },
          ],
        },
        packages: [
          {
            name: 'K',
            tasks: [{ name: 'E', type: 'expression', expression: '@[User::V] = 1' }],
            variables: [{ name: 'V', dataType: 'Int32' }],
          },
        ],
      }),
    );
    expect(problems.map((p) => `${p.where} ${p.path}: ${p.message}`)).toEqual([
      'project connectionManagers.0.propertyExpressions.connectionString: unknown reference @[$Project::Urll] in "@[$Project::Urll]"',
      'project connectionManagers.0.propertyExpressions.timeoutMs: unknown reference @[$Package::T] in "@[$Package::T]"',
      'project connectionManagers.0.propertyExpressions.name: a http connection manager has no property name that an expression can set',
    ]);
  });
});
