import { describe, expect, it } from 'vitest';
import { PackageDef } from '../protocol/packageFormat';
import { executablesOf, scriptPathProblem } from './scriptFiles';

describe('scriptPathProblem', () => {
  it.each(['build.js', 'scripts/build.js', './scripts/../build.js', 'a b/c.js'])('accepts %s', (file) => {
    expect(scriptPathProblem(file)).toBeUndefined();
  });

  it.each([
    ['', 'must name a .js file in the project folder'],
    ['../x.js', 'must stay inside the project folder'],
    ['scripts/../../x.js', 'must stay inside the project folder'],
    ['..', 'must stay inside the project folder'],
    ['/etc/x.js', 'must be relative to the project folder, not absolute'],
    ['C:/x.js', 'must be relative to the project folder, not absolute'],
    ['c:x.js', 'must be relative to the project folder, not absolute'],
    ['//server/share/x.js', 'must be relative to the project folder, not absolute'],
    ['scripts\\x.js', 'must use / between folders, not \\'],
    ['scripts/x.ts', 'must name a .js file'],
    ['x\0.js', 'must name a .js file in the project folder'],
  ])('refuses %j: %s', (file, problem) => {
    expect(scriptPathProblem(file)).toBe(problem);
  });
});

describe('executablesOf', () => {
  it('lists every executable with its path, inside containers and event handlers', () => {
    const script = (name: string) => ({ name, type: 'script', code: '' });
    const pkg = PackageDef.parse({
      name: 'P',
      eventHandlers: { OnError: { tasks: [script('H')] } },
      tasks: [
        {
          name: 'Each',
          type: 'foreachLoop',
          enumerator: { type: 'items', items: [1] },
          tasks: [script('A'), { ...script('B'), eventHandlers: { OnTaskFailed: { tasks: [script('C')] } } }],
        },
      ],
    });
    expect(executablesOf(pkg).map((e) => [e.executable.name, e.path.join('.')])).toEqual([
      ['Each', 'tasks.0'],
      ['A', 'tasks.0.tasks.0'],
      ['B', 'tasks.0.tasks.1'],
      ['C', 'tasks.0.tasks.1.eventHandlers.OnTaskFailed.tasks.0'],
      ['H', 'eventHandlers.OnError.tasks.0'],
    ]);
  });
});
