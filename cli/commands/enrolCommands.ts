import type { Command } from 'commander';
import { hostname, userInfo } from 'node:os';
import { ScaleOutError } from '../../master-core/protocol/errors';
import type { EnrolmentTokenRow } from '../../master-core/protocol/api';
import { enrolWorker } from '../../worker-agent/enrolment';
import { clientOf, list, withConnection } from '../flags';
import { defaultDataDir } from '../paths';
import { table } from './format';
import { join } from 'node:path';

const out = (text: string) => process.stdout.write(text);
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "30m", "1h", "2d" or plain seconds, to seconds; refused naming the flag. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(text.trim());
  if (!match)
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `${flag} must be a duration such as 90s, 30m, 1h or 2d (got "${text}")`,
      {
        field: flag.replace(/^--/, ''),
      },
    );
  return Number(match[1]) * UNITS[(match[2] || 's').toLowerCase()]!;
}

const whoAmI = () => {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
};

export function tokensTable(rows: EnrolmentTokenRow[]): string {
  return table(
    ['Token id', 'State', 'Name', 'Tags', 'Created by', 'Created', 'Expires', 'Used by'],
    rows.map((t) => [
      t.tokenId,
      t.state,
      t.presetName ?? '',
      (t.presetTags ?? []).join(','),
      t.createdBy,
      t.createdAt,
      t.expiresAt,
      t.usedByWorkerName ?? t.usedByWorkerId ?? '',
    ]),
  );
}

/** `worker-token`, `workers revoke`, `master rotate-certificate` and `worker enrol`. */
export function registerEnrolCommands(program: Command): void {
  const tokens = program.command('worker-token').description('one-time enrolment tokens for new workers');
  withConnection(tokens.command('create'))
    .description('create a token that enrols one worker; prints the install command')
    .option('--expires <duration>', 'how long the token is valid: 90s, 30m, 1h, 2d', '1h')
    .option('--name <name>', 'the enrolled worker gets this name')
    .option('--tags <tags>', 'the enrolled worker gets these tags (comma-separated)', list)
    .action(async (flags) => {
      const result = await clientOf(flags).call('worker.enrolmentToken.create', {
        expiresInSeconds: parseDuration(flags.expires, '--expires'),
        createdBy: whoAmI(),
        ...(flags.name ? { name: flags.name } : {}),
        ...(flags.tags ? { tags: flags.tags } : {}),
      });
      out(
        [
          `Enrolment token ${result.tokenId} (one worker, until ${result.expiresAt}):`,
          `  ${result.token}`,
          `Master CA fingerprint (SHA-256, in the token): ${result.caFingerprint}`,
          'On the new worker machine, run:',
          `  ${result.installCommand}`,
          '',
        ].join('\n'),
      );
    });
  withConnection(tokens.command('list', { isDefault: true }))
    .description('list enrolment tokens (never the tokens themselves)')
    .action(async (flags) => {
      out(tokensTable((await clientOf(flags).call('worker.enrolmentToken.list', {})).tokens));
    });
  withConnection(tokens.command('revoke <token-id>'))
    .description('make an unused token worthless at once')
    .action(async (tokenId: string, flags) => {
      await clientOf(flags).call('worker.enrolmentToken.revoke', { tokenId });
      out(`enrolment token ${tokenId} revoked\n`);
    });

  const workers = program.commands.find((c) => c.name() === 'workers');
  if (!workers) throw new Error('register the runtime commands (workers) first');
  withConnection(workers.command('revoke <name>'))
    .description('disconnect a worker at once and refuse it from then on (it must enrol again)')
    .action(async (name: string, flags) => {
      const result = await clientOf(flags).call('worker.revoke', { name });
      out(
        `worker ${result.name} (${result.workerId}) revoked${result.disconnected ? '; disconnected' : ''}\n`,
      );
    });

  const master = program.commands.find((c) => c.name() === 'master');
  if (!master) throw new Error('register the master command first');
  withConnection(master.command('rotate-certificate'))
    .description("rotate the agent endpoint's certificate (same CA by default: workers notice nothing)")
    .option(
      '--new-ca',
      'also a new CA: connected workers pin it at once; the endpoint switches after the overlap',
      false,
    )
    .option('--overlap <duration>', 'with --new-ca: how long both CAs are pinned before the switch', '24h')
    .action(async (flags) => {
      const result = await clientOf(flags).call('master.rotateCertificate', {
        newCa: flags.newCa === true,
        overlapSeconds: parseDuration(flags.overlap, '--overlap'),
      });
      out(
        result.pendingCaFingerprint
          ? `new CA ${result.pendingCaFingerprint} pinned by connected workers now; the endpoint switches to it at ${result.switchAt} (current CA ${result.caFingerprint})\n`
          : `server certificate rotated; CA fingerprint unchanged: ${result.caFingerprint}\n`,
      );
    });

  const worker = program.commands.find((c) => c.name() === 'worker');
  if (!worker) throw new Error('register the worker command first');
  worker
    .command('enrol')
    .description(
      "trade a one-time token for this worker's own credential (its key is made here and never sent)",
    )
    .requiredOption('--master <url>', 'agent endpoint of the master, wss://HOST:8391')
    .requiredOption('--token <token>', 'enrolment token from `scaleout worker-token create`')
    .option('--name <name>', 'display name (default: host name, or the name preset in the token)')
    .option('--tags <tags>', 'comma-separated tags', list)
    .option('--work-dir <dir>', 'the work directory `scaleout worker --work-dir` will use')
    .option('--credential-dir <dir>', 'where to store the credential (default <work-dir>/credentials)')
    .action(async (flags) => {
      const name: string = flags.name ?? hostname();
      const workDir: string =
        flags.workDir ?? join(defaultDataDir(), 'worker', name.replace(/[^A-Za-z0-9_.-]/g, '_'));
      const result = await enrolWorker({
        masterUrl: flags.master,
        token: flags.token,
        workDir,
        ...(flags.name ? { name: flags.name } : {}),
        ...(flags.tags ? { tags: flags.tags } : {}),
        ...(flags.credentialDir ? { credentialDir: flags.credentialDir } : {}),
      });
      out(
        [
          `enrolled as worker ${result.workerId}; master CA ${result.caFingerprint} pinned`,
          `credential stored in ${result.credentialDir}`,
          `start it with: scaleout worker --work-dir ${workDir}`,
          '',
        ].join('\n'),
      );
    });
}
