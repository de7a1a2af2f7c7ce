/** A small leveled logger writing one line per entry to stderr. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  name: string,
  minLevel: LogLevel = 'info',
  write = (line: string) => process.stderr.write(line),
): Logger {
  const at = (level: LogLevel) => (message: string) => {
    if (order[level] < order[minLevel]) return;
    write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${name}] ${message}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
