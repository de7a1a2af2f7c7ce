import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executablesOf } from './scriptFiles';
import { loadProjectDir } from './loadProjectDir';
import { json, loadProblems, useProjectFolders } from './projectFolder.fixture';

const project = useProjectFolders();

const scriptTask = (name: string, source: Record<string, string>) => ({ name, type: 'script', ...source });

describe('script task files', () => {
  it('fills code from the file, in containers and event handlers too, and keeps the file name', () => {
    const dir = project({
      'project.json': json({ name: 'P' }),
      'scripts/top.js': 'log.info("top");\n',
      'scripts/deep/inner.js': '\uFEFFlog.info("inner");\n',
      'scripts/onError.js': 'log.error("failed");\n',
      'S.package.yaml': `name: S
eventHandlers:
  OnError:
    tasks:
      - { name: Report, type: script, file: scripts/onError.js }
tasks:
  - { name: Top, type: script, file: scripts/top.js }
  - name: Loop
    type: forLoop
    evalExpression: "1 == 0"
    tasks:
      - { name: Inner, type: script, file: ./scripts/deep/../deep/inner.js }
      - { name: Inline, type: script, code: "log.info(1);" }
    eventHandlers:
      OnError:
        tasks:
          - { name: Nested, type: script, file: scripts/onError.js }
`,
    });
    const [pkg] = loadProjectDir(dir).packages;
    const codes = executablesOf(pkg!).map(({ executable: e }) => [
      e.name,
      e.type === 'script' ? e.code : e.type,
    ]);
    expect(codes).toEqual([
      ['Top', 'log.info("top");\n'],
      ['Loop', 'forLoop'],
      ['Inner', 'log.info("inner");\n'],
      ['Inline', 'log.info(1);'],
      ['Nested', 'log.error("failed");\n'],
      ['Report', 'log.error("failed");\n'],
    ]);
    expect(pkg!.tasks[0]).toMatchObject({ file: 'scripts/top.js', code: 'log.info("top");\n' });
  });

  it('refuses files outside the project folder, missing files, and neither or both of code and file', () => {
    const dir = project({
      'project.json': json({ name: 'P' }),
      'P.package.json': json({
        name: 'P',
        tasks: [
          scriptTask('Escape', { file: '../outside.js' }),
          scriptTask('Absolute', { file: '/etc/profile.js' }),
          scriptTask('Drive', { file: 'C:/scripts/x.js' }),
          scriptTask('Backslash', { file: 'scripts\\x.js' }),
          scriptTask('Missing', { file: 'scripts/none.js' }),
          scriptTask('Neither', {}),
          scriptTask('Both', { code: 'log.info(1);', file: 'scripts/none.js' }),
          scriptTask('Folder', { file: 'scripts.js' }),
          scriptTask('NotJs', { file: 'project.json' }),
        ],
      }),
      'scripts.js/keep.txt': '',
    });
    const message = loadProblems(dir);
    // The first five tasks take five lines each from line 4; their file is the fourth line.
    const at = (i: number) => `P.package.json:${7 + 5 * i}:7`;
    expect(message).toContain(`${at(0)}: tasks.0.file: must stay inside the project folder`);
    expect(message).toContain(`${at(1)}: tasks.1.file: must be relative to the project folder, not absolute`);
    expect(message).toContain(`${at(2)}: tasks.2.file: must be relative to the project folder, not absolute`);
    expect(message).toContain(`${at(3)}: tasks.3.file: must use / between folders`);
    expect(message).toContain(`${at(4)}: tasks.4.file: scripts/none.js does not exist in the project folder`);
    expect(message).toContain('P.package.json:29:5: tasks.5: a script task needs code or file');
    expect(message).toContain('P.package.json:37:7: tasks.6.file: a script task has code or file, not both');
    expect(message).toContain('P.package.json:42:7: tasks.7.file: scripts.js is not a file');
    expect(message).toContain('P.package.json:47:7: tasks.8.file: must name a .js file');
  });

  it('refuses a file reached through a symbolic link that leads out of the folder', () => {
    const outside = project({ 'secret.js': 'log.info("outside");' });
    const dir = project({
      'project.yaml': 'name: P\n',
      'P.package.yaml': 'name: P\ntasks:\n  - name: T\n    type: script\n    file: scripts/secret.js\n',
    });
    symlinkSync(outside, join(dir, 'scripts'));
    expect(loadProblems(dir)).toMatch(
      /P.package.yaml:5:5: tasks.0.file: scripts\/secret.js leads out of the project folder/,
    );
  });
});
