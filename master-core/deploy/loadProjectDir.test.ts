import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProjectDir } from './loadProjectDir';

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-project-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('loadProjectDir', () => {
  it('loads the sample project', () => {
    const bundle = loadProjectDir('samples/HelloScaleOut');
    expect(bundle.project.name).toBe('HelloScaleOut');
    expect(bundle.packages.map((p) => p.name).sort()).toEqual(['Countdown', 'Hello']);
  });

  it('reports every problem with its file, line, column and field at once', () => {
    const dir = project({
      'project.json': JSON.stringify({ name: 'P', parameters: [{ name: 'X', dataType: 'Float' }] }, null, 2),
      'A.package.json': '{ "name": "A", ',
      'B.package.json': JSON.stringify(
        { name: 'B', tasks: [{ name: 'T', type: 'process', command: '' }] },
        null,
        2,
      ),
    });
    let message = '';
    try {
      loadProjectDir(dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/project.json:6:7: parameters.0.dataType: Invalid option/);
    expect(message).toMatch(/A.package.json:1:16: \w+ \(not valid JSON\)/);
    expect(message).toMatch(/B.package.json:7:7: tasks.0.command: must name a program/);
  });

  it('reports references to parameters or variables that do not exist, with their place', () => {
    const dir = project({
      'project.json': JSON.stringify({ name: 'P' }),
      'K.package.json': JSON.stringify(
        {
          name: 'K',
          tasks: [{ name: 'T', type: 'process', command: 'echo', args: ['ok', '@[$Package::Missing]'] }],
        },
        null,
        2,
      ),
    });
    expect(() => loadProjectDir(dir)).toThrow(
      /K.package.json:10:9: tasks.0.args.1: unknown reference @\[\$Package::Missing\]/,
    );
  });

  it('refuses a folder without project.json or without packages', () => {
    expect(() => loadProjectDir(project({}))).toThrow(/has no project.json/);
    expect(() => loadProjectDir(project({ 'project.json': '{"name":"P"}' }))).toThrow(
      /no \*.package.json files/,
    );
  });
});
