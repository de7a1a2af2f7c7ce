// Every sample project deploys as it is: loadProjectDir reads it with no problem at all, and each
// file points editors at the JSON Schema that checks it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { pickProjectFiles } from '../deploy/projectFiles';

const SAMPLES = 'samples';
const sampleDirs = readdirSync(SAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** The schema a file names: "$schema" in JSON, the yaml-language-server comment in YAML. */
function schemaReference(file: string): string | undefined {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) return (JSON.parse(text) as { $schema?: string }).$schema;
  return /^# yaml-language-server: \$schema=(\S+)/.exec(text)?.[1];
}

describe('sample projects', () => {
  it('are the ones the README describes', () => {
    expect(sampleDirs).toEqual(['Etl', 'FanOut', 'HelloScaleOut', 'Operations']);
    const readme = readFileSync(join(SAMPLES, 'README.md'), 'utf8');
    for (const dir of sampleDirs) expect(readme).toContain(`samples/${dir}`);
  });

  it.each(sampleDirs)('%s loads with no problem, every package described', (dir) => {
    const bundle = loadProjectDir(join(SAMPLES, dir));
    expect(bundle.project.name).toBe(dir);
    expect(bundle.project.description).not.toBe('');
    for (const pkg of bundle.packages) expect(pkg.description, pkg.name).not.toBe('');
    const readme = readFileSync(join(SAMPLES, 'README.md'), 'utf8');
    for (const pkg of bundle.packages) expect(readme, pkg.name).toContain(pkg.name);
  });

  it.each(sampleDirs)('%s: each file names the JSON Schema of its kind', (dir) => {
    const folder = join(SAMPLES, dir);
    const files = pickProjectFiles(readdirSync(folder));
    for (const file of [...files.projectFiles, ...files.packageFiles]) {
      const kind = files.projectFiles.includes(file) ? 'project' : 'package';
      const reference = schemaReference(join(folder, file));
      expect(reference, file).toBe(`../../docs/schema/${kind}.schema.json`);
      expect(existsSync(join(dirname(join(folder, file)), reference!)), file).toBe(true);
    }
  });

  it('Operations is written in YAML and loads to the same kind of bundle as JSON', () => {
    const files = readdirSync(join(SAMPLES, 'Operations'));
    expect(files.filter((f) => f.endsWith('.json'))).toEqual([]);
    const bundle = loadProjectDir(join(SAMPLES, 'Operations'));
    expect(bundle.project.connectionManagers.map((c) => `${c.name}:${c.type}`)).toEqual([
      'StatusService:http',
      'OpsLog:sqlite',
    ]);
  });
});
