// How validateBundle's problems ({where, path: "tasks.0.tasks.2...", message}) become
// "file:line:col: path: message". validateBundle is replaced here so these tests fix the mapping
// alone, whatever checks validateBundle makes.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BundleProblem } from '../execution/validateBundle';
import { json, loadProblems, useProjectFolders } from './projectFolder.fixture';

const problems = vi.hoisted(() => ({ list: [] as BundleProblem[] }));
vi.mock('../execution/validateBundle', () => ({ validateBundle: () => problems.list }));

const project = useProjectFolders();
beforeEach(() => {
  problems.list = [];
});

const deepPackage = {
  name: 'Deep',
  tasks: [
    {
      name: 'Outer',
      type: 'sequence',
      propertyExpressions: { 'Connection.Timeout': '@[User::X]' },
      tasks: [
        { name: 'A', type: 'script', code: '1' },
        {
          name: 'B',
          type: 'script',
          code: '2',
          eventHandlers: {
            OnError: { tasks: [{ name: 'Note', type: 'expression', expression: '@[User::Y] = 1' }] },
          },
        },
      ],
    },
  ],
};
const deepYaml = `name: Deep
tasks:
  - name: Outer
    type: sequence
    propertyExpressions:
      Connection.Timeout: "@[User::X]"
    tasks:
      - { name: A, type: script, code: "1" }
      - name: B
        type: script
        code: "2"
        eventHandlers:
          OnError:
            tasks:
              - name: Note
                type: expression
                expression: "@[User::Y] = 1"
`;
const deepPath = 'tasks.0.tasks.1.eventHandlers.OnError.tasks.0.expression';

describe('validateBundle problems in the files', () => {
  it.each([
    ['Deep.package.json', json(deepPackage), '26:19', '8:9'],
    ['Deep.package.yaml', deepYaml, '17:17', '6:7'],
  ])('%s: a deep path, and a key holding dots, at their line and column', (file, text, deep, dotted) => {
    problems.list = [
      { where: 'Deep', path: deepPath, message: 'deep problem' },
      { where: 'Deep', path: 'tasks.0.propertyExpressions.Connection.Timeout', message: 'dotted key' },
    ];
    const message = loadProblems(project({ 'project.json': json({ name: 'P' }), [file]: text }));
    expect(message).toContain(`${file}:${deep}: ${deepPath}: deep problem`);
    expect(message).toContain(
      `${file}:${dotted}: tasks.0.propertyExpressions.Connection.Timeout: dotted key`,
    );
  });

  it.each([
    ['Deep.package.json', json(deepPackage), '16:9'],
    ['Deep.package.yaml', deepYaml, '9:9'],
  ])('%s: a path that goes further than the file falls back to its nearest parent', (file, text, parent) => {
    problems.list = [{ where: 'Deep', path: 'tasks.0.tasks.1.timeoutMs', message: 'defaulted field' }];
    const message = loadProblems(project({ 'project.json': json({ name: 'P' }), [file]: text }));
    expect(message).toContain(`${file}:${parent}: tasks.0.tasks.1.timeoutMs: defaulted field`);
  });

  it('maps "project" to the project file, and keeps a problem of an unknown place without a file', () => {
    problems.list = [
      { where: 'project', path: 'parameters.0.name', message: 'project problem' },
      { where: 'Elsewhere', path: 'tasks.0', message: 'nowhere' },
    ];
    const dir = project({
      'project.yaml': 'name: P\nparameters:\n  - name: X\n    dataType: String\n',
      'Deep.package.yaml': deepYaml,
    });
    const message = loadProblems(dir);
    expect(message).toContain('project.yaml:3:5: parameters.0.name: project problem');
    expect(message).toMatch(/\n {2}Elsewhere: tasks.0: nowhere/);
  });
});
