import { describe, expect, it } from 'vitest';
import { PackageDef } from '../../master-core/protocol/packageFormat';
import { createContext, substitute } from './context';

const assignment = {
  attemptId: 'a1',
  executionId: 42,
  attemptNumber: 1,
  folderName: 'F',
  projectName: 'P',
  packageName: 'Pkg',
  package: PackageDef.parse({
    name: 'Pkg',
    variables: [{ name: 'Rows', dataType: 'Int32', value: 10 }],
    tasks: [{ name: 'T', type: 'script', code: 'return' }],
  }),
  parameterValues: { '$Package::Name': 'World', '$Project::Env': 'Prod' },
  loggingLevel: 1,
  timeoutMs: null,
  sensitiveReferences: [] as string[],
};

describe('substitute', () => {
  const context = createContext(assignment, 'host1', new AbortController().signal);
  it('replaces parameter, variable and system references', () => {
    expect(
      substitute(
        context,
        'Hi @[$Package::Name] in @[$Project::Env], @[User::Rows] rows, run @[System::ExecutionId] on @[System::MachineName]',
      ),
    ).toBe('Hi World in Prod, 10 rows, run 42 on host1');
  });
  it('names an unknown reference', () => {
    expect(() => substitute(context, '@[User::Nope]')).toThrow('unknown reference @[User::Nope]');
  });
  it('leaves text without references alone', () => {
    expect(substitute(context, 'plain [text] @ here')).toBe('plain [text] @ here');
  });
});
