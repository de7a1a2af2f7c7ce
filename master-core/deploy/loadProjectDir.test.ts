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

  it('reports every problem with its file and field at once', () => {
    const dir = project({
      'project.json': JSON.stringify({ name: 'P', parameters: [{ name: 'X', dataType: 'Float' }] }),
      'A.package.json': '{ "name": "A", ',
      'B.package.json': JSON.stringify({ name: 'B', tasks: [{ name: 'T', type: 'process', command: '' }] }),
    });
    let message = '';
    try {
      loadProjectDir(dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/project.json: parameters.0.dataType: Invalid option/);
    expect(message).toMatch(/A.package.json: not valid JSON/);
    expect(message).toMatch(/B.package.json: tasks.0.command: must name a program/);
  });

  it('refuses a folder without project.json or without packages', () => {
    expect(() => loadProjectDir(project({}))).toThrow(/has no project.json/);
    expect(() => loadProjectDir(project({ 'project.json': '{"name":"P"}' }))).toThrow(
      /no \*.package.json files/,
    );
  });
});
