import { describe, expect, it } from 'vitest';
import { ProjectBundle } from '../protocol/packageFormat';
import { validateBundle } from './validateBundle';

const bundle = (args: string[]) =>
  ProjectBundle.parse({
    project: { name: 'P', parameters: [{ name: 'Env', dataType: 'String' }] },
    packages: [
      {
        name: 'K',
        parameters: [{ name: 'N', dataType: 'Int32' }],
        variables: [{ name: 'V', dataType: 'String' }],
        tasks: [{ name: 'T', type: 'process', command: '@[System::NodePath]', args }],
      },
    ],
  });

describe('validateBundle', () => {
  it('accepts references to parameters, variables and system variables, in any case', () => {
    expect(
      validateBundle(bundle(['@[$Project::Env] @[$package::n]', '@[User::V]', '@[System::ExecutionId]'])),
    ).toEqual([]);
  });
  it('reports every unknown reference with its package and path', () => {
    expect(validateBundle(bundle(['@[$Project::Nope]', 'x', '@[User::Missing] @[Bad]']))).toEqual([
      { where: 'K', path: 'tasks.0.args.0', message: 'unknown reference @[$Project::Nope]' },
      { where: 'K', path: 'tasks.0.args.2', message: 'unknown reference @[User::Missing]' },
      { where: 'K', path: 'tasks.0.args.2', message: 'unknown reference @[Bad]' },
    ]);
  });
});
