import { describe, expect, it } from 'vitest';
import { loadProjectDir } from './loadProjectDir';
import { json, loadProblems, useProjectFolders } from './projectFolder.fixture';

const project = useProjectFolders();

describe('loadProjectDir', () => {
  it('loads the sample project', () => {
    const bundle = loadProjectDir('samples/HelloScaleOut');
    expect(bundle.project.name).toBe('HelloScaleOut');
    expect(bundle.packages.map((p) => p.name).sort()).toEqual(['Countdown', 'Flaky', 'Hello']);
  });

  it('reports every problem with its file, line, column and field at once', () => {
    const dir = project({
      'project.json': json({ name: 'P', parameters: [{ name: 'X', dataType: 'Float' }] }),
      'A.package.json': '{ "name": "A", ',
      'B.package.json': json({ name: 'B', tasks: [{ name: 'T', type: 'executeProcess', executable: '' }] }),
    });
    const message = loadProblems(dir);
    expect(message).toMatch(/project.json:6:7: parameters.0.dataType: Invalid option/);
    expect(message).toMatch(/A.package.json:1:16: \w+ \(not valid JSON\)/);
    expect(message).toMatch(/B.package.json:7:7: tasks.0.executable: must name a program/);
  });

  it('reports references to parameters or variables that do not exist, with their place', () => {
    const dir = project({
      'project.json': json({ name: 'P' }),
      'K.package.json': json({
        name: 'K',
        tasks: [
          {
            name: 'T',
            type: 'executeProcess',
            executable: 'echo',
            arguments: ['ok', '@[$Package::Missing]'],
          },
        ],
      }),
    });
    expect(loadProblems(dir)).toMatch(
      /K.package.json:10:9: tasks.0.arguments.1: unknown reference @\[\$Package::Missing\]/,
    );
  });

  it('refuses a folder without a project file or without packages', () => {
    expect(() => loadProjectDir(project({}))).toThrow(
      /has no project.json \(nor project.yaml or project.yml\)/,
    );
    expect(() => loadProjectDir(project({ 'project.json': '{"name":"P"}' }))).toThrow(
      /no \*.package.json files \(nor \*.package.yaml or \*.package.yml\)/,
    );
  });

  it('refuses duplicate keys in JSON too, since JSON.parse would silently keep the last', () => {
    const dir = project({
      'project.json': json({ name: 'P' }),
      'A.package.json': '{\n  "name": "A",\n  "tasks": [],\n  "name": "B"\n}\n',
    });
    expect(loadProblems(dir)).toMatch(/A.package.json:4:3: duplicate key "name" \(not valid JSON\)/);
  });
});
