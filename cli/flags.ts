import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { ScaleOutError } from '../master-core/protocol/errors';
import { connect } from './connection';
import type { ConnectionFlags } from './connection';

/** Flag parsers: each refuses a bad value naming the flag and the problem. */
export const int = (name: string, min: number, max: number) => (value: string) => {
  if (!/^-?\d+$/.test(value))
    throw new InvalidArgumentError(`${name} must be a whole number (got "${value}")`);
  const n = Number(value);
  if (n < min || n > max)
    throw new InvalidArgumentError(`${name} must be between ${min} and ${max} (got ${n})`);
  return n;
};
/** A systemd byte size: digits with an optional K, M, G or T (at least 64M: a worker needs that much). */
export const memorySize = (value: string) => {
  const m = /^(\d+)([KMGT]?)$/.exec(value);
  if (!m)
    throw new InvalidArgumentError(
      `--memory-max must be bytes with an optional K, M, G or T, e.g. 4G (got "${value}")`,
    );
  const bytes = Number(m[1]) * 1024 ** ' KMGT'.indexOf(m[2] || ' ');
  if (bytes < 64 * 1024 ** 2)
    throw new InvalidArgumentError(`--memory-max must be at least 64M (got ${value})`);
  return value;
};
export const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== ''),
];
export const repeat = (value: string, previous: string[] = []) => [...previous, value];

export function withConnection(command: Command): Command {
  return command
    .option('--url <url>', 'console API of the master (env SCALEOUT_URL)', undefined)
    .option('--token <token>', 'console API token (env SCALEOUT_TOKEN; default: <data-dir>/console.token)')
    .option('--data-dir <dir>', 'data directory of a local master (env SCALEOUT_DATA_DIR)')
    .option(
      '--ca-file <file>',
      "the master's CA certificate, for an https console (env SCALEOUT_CA_FILE; default: <data-dir>/tls/ca.crt)",
    );
}
export const clientOf = (flags: ConnectionFlags) => connect(flags);

/** Splits "<a>/<b>" (e.g. folder/project), naming the argument when it is malformed. */
export function pair(value: string, what: string, field: string): [string, string] {
  const parts = value.split('/');
  if (parts.length !== 2 || parts.some((p) => p.trim() === '')) {
    throw new ScaleOutError('VALIDATION_FAILED', `${what} must be written ${field} (got "${value}")`, {
      field: what,
    });
  }
  return [parts[0]!, parts[1]!];
}
