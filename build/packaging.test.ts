import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The electron-builder configuration (installers cannot be built here: see docs/desktop.md). */

const root = join(import.meta.dirname, '..');
const config = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as {
  appId: string;
  productName: string;
  extraMetadata: { main: string };
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

/** Width and height from a PNG header. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('desktop packaging', () => {
  it('builds AppImage and deb, NSIS and dmg with the product name and id', () => {
    expect(config).toMatchObject({ appId: 'org.scaleout.console', productName: 'Scale Out Console' });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('starts the bundle the build writes, and ships what the app reads at run time', () => {
    expect(config.extraMetadata.main).toBe('dist/electron/main.mjs');
    expect(readFileSync(join(root, 'build', 'build.mjs'), 'utf8')).toContain(
      `outfile: '${config.extraMetadata.main}'`,
    );
    for (const dir of ['dist/**', 'samples/**', 'docs/**', 'build/icons/**'])
      expect(config.files).toContain(dir);
    for (const dir of ['samples', 'docs', 'build/icons']) expect(existsSync(join(root, dir)), dir).toBe(true);
  });

  it('keeps the native sqlite3 addon outside the asar archive, and it is a runtime dependency', () => {
    expect(config.asarUnpack).toContain('node_modules/sqlite3/**');
    expect(pkg.dependencies).toHaveProperty('sqlite3');
  });

  it('has the icons each platform needs (512 px for macOS and Windows, a size set for Linux)', () => {
    expect(pngSize(join(root, config.win.icon))).toEqual([512, 512]);
    expect(pngSize(join(root, config.mac.icon))).toEqual([512, 512]);
    for (const size of [16, 32, 64, 256, 512])
      expect(pngSize(join(root, config.linux.icon, `${size}x${size}.png`))).toEqual([size, size]);
  });

  it('npm run dist builds first, then packages with a pinned electron-builder', () => {
    expect(pkg.scripts.dist).toMatch(
      /^npm run build && npx --yes electron-builder@\d+\.\d+\.\d+ --config build\/electron-builder\.yml$/,
    );
  });
});
