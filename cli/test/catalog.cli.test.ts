import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runCli, startMaster, startWorker } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';

/** The catalog from the command line, against a real master and worker. */
describe('scaleout catalog commands', () => {
  let master: MasterProcess;
  let worker: Spawned;
  const cli = async (...args: string[]) => {
    const result = await runCli(args, master.cliEnv);
    return { ...result, text: result.stdout + result.stderr };
  };

  beforeAll(async () => {
    master = await startMaster();
    worker = await startWorker(master, 'w1');
    expect((await cli('deploy', 'samples/HelloScaleOut', '--folder', 'Samples')).code).toBe(0);
  });
  afterAll(async () => {
    await worker?.stop();
    await master?.stop();
    if (master) removeDir(master.dataDir);
  });

  it('configures a parameter from a sensitive environment variable and runs with that environment', async () => {
    expect((await cli('folder', 'create', 'Shared')).stdout).toBe('created folder Shared\n');
    expect((await cli('environment', 'create', 'Shared/Prod', '--description', 'production')).code).toBe(0);
    expect(
      (await cli('environment', 'set', 'Shared/Prod', 'Greeting', 'Hello from Prod', '--sensitive')).code,
    ).toBe(0);
    expect((await cli('environment', 'set', 'Shared/Prod', 'Lines', '2', '--type', 'Int32')).code).toBe(0);
    const listed = await cli('environment', 'list', 'Shared');
    expect(listed.stdout).toMatch(/Prod\s+Greeting\s+String\s+\(sensitive\)/);
    expect(listed.stdout).toMatch(/Prod\s+Lines\s+Int32\s+2/);
    expect((await cli('reference', 'add', 'Samples/HelloScaleOut', 'Shared/Prod')).stdout).toMatch(
      /reference \d+ added/,
    );
    expect(
      (
        await cli(
          'project',
          'configure',
          'Samples/HelloScaleOut',
          '$Package::Greeting',
          '--package',
          'Hello',
          '--env-variable',
          'Greeting',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          'project',
          'configure',
          'Samples/HelloScaleOut',
          '$Package::Count',
          '--package',
          'Hello',
          '--env-variable',
          'Lines',
        )
      ).code,
    ).toBe(0);
    const params = await cli('project', 'parameters', 'Samples/HelloScaleOut');
    expect(params.stdout).toMatch(
      /Hello\s+\$Package::Greeting\s+String\s+Hello from Scale Out\s+env:Greeting/,
    );

    const run = await cli('run', 'Samples/HelloScaleOut/Hello', '--environment', 'Shared/Prod', '--wait');
    expect(run.code).toBe(0);
    // The value came from a sensitive variable, so the package's own output masks it.
    expect(run.stdout).toMatch(/1\/2 \*{8} \(Development/);
    expect(run.stdout).not.toContain('Hello from Prod');
    const id = run.stdout.match(/execution (\d+) created/)![1]!;
    const shown = await cli('execution', id);
    expect(shown.stdout).toMatch(/environment Shared\/Prod/);
    expect(shown.stdout).toMatch(/Greeting\s+String\s+\(sensitive\)\s+environment/);
    expect(shown.stdout).toMatch(/Count\s+Int32\s+2\s+environment/);
    expect(shown.stdout).toMatch(/1\s+\\Package\\Print message\s+success\s+\d+/);
  });

  it('says which environments a project can use when the one asked for is not referenced', async () => {
    const result = await cli('run', 'Samples/HelloScaleOut/Hello', '--environment', 'Nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /has no reference to environment Samples\/Nope \(references: Shared\/Prod\) \[environment\]/,
    );
  });

  it('filters executions by status and logs by message type', async () => {
    const failed = await cli('run', 'Samples/HelloScaleOut/Hello', '--param', 'ShouldFail=true', '--wait');
    expect(failed.code).toBe(1);
    const id = failed.stdout.match(/execution (\d+) created/)![1]!;
    const list = await cli('executions', '--status', 'failed');
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+Failed`, 'm'));
    expect(list.stdout).toMatch(/^1 of 1 shown$/m);
    const errors = await cli('logs', id, '--type', 'error,taskfailed');
    expect(
      errors.stdout
        .trim()
        .split('\n')
        .every((l) => /\s(Error|TaskFailed)\s/.test(l)),
    ).toBe(true);
    expect(errors.stdout).toMatch(/ShouldFail was set/);
    expect((await cli('executions', '--status', 'exploded')).stderr).toMatch(
      /--status: unknown status "exploded"/,
    );
    expect((await cli('logs', id, '--type', 'shouting')).stderr).toMatch(
      /--type: unknown message type "shouting"/,
    );
  });

  it('lists versions and restores an earlier one; sets catalog properties with validation', async () => {
    // A changed copy of the sample, deployed, is version 2; restoring makes version 1 current again.
    const changed = mkdtempSync(join(tmpdir(), 'scaleout-sample-'));
    cpSync('samples/HelloScaleOut', changed, { recursive: true });
    const projectFile = join(changed, 'project.json');
    writeFileSync(
      projectFile,
      readFileSync(projectFile, 'utf8').replace('Sample project', 'Changed sample project'),
    );
    expect((await cli('deploy', changed, '--folder', 'Samples')).stdout).toMatch(/as version 2/);
    rmSync(changed, { recursive: true, force: true });
    expect((await cli('project', 'versions', 'Samples/HelloScaleOut')).stdout).toMatch(/^2\s+yes\s+/m);
    expect((await cli('project', 'restore', 'Samples/HelloScaleOut', '1')).stdout).toBe(
      'Samples/HelloScaleOut now runs version 1\n',
    );
    const versions = await cli('project', 'versions', 'Samples/HelloScaleOut');
    expect(versions.stdout).toMatch(/^1\s+yes\s+/m);
    expect(versions.stdout).toMatch(/^2\s{2,}\S/m);
    expect((await cli('project', 'restore', 'Samples/HelloScaleOut', '7')).stderr).toMatch(
      /has no version 7 \[versionId\]/,
    );
    expect((await cli('property', 'set', 'RETENTION_WINDOW', '30')).code).toBe(0);
    expect((await cli('property', 'list')).stdout).toMatch(/RETENTION_WINDOW\s+30/);
    expect((await cli('property', 'set', 'RETENTION_WINDOW', '0')).stderr).toMatch(
      /must be a whole number from 1 to 36500/,
    );
  });

  it('refuses malformed names with the argument named', async () => {
    expect((await cli('project', 'versions', 'just-a-name')).stderr).toMatch(
      /project must be written <folder>\/<project> \(got "just-a-name"\) \[project\]/,
    );
    expect((await cli('environment', 'set', 'Shared/Prod', 'X', '1', '--type', 'Float')).stderr).toMatch(
      /--type must be one of String/,
    );
    expect(
      (await cli('project', 'configure', 'Samples/HelloScaleOut', '$Project::Environment')).stderr,
    ).toMatch(/exactly one of --value/);
    expect((await cli('folder', 'delete', 'Shared')).stderr).toMatch(/folder Shared is not empty/);
  });
});
