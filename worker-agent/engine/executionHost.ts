/**
 * Entry of the per-attempt child process. The agent forks it, sends one host.run over IPC, and
 * reads host.event messages and one host.result back; the exit code mirrors the outcome.
 */
import { HostInbound } from './hostProtocol';
import type { HostOutbound } from './hostProtocol';
import { errorText, runPackage } from './runPackage';

const controller = new AbortController();

function send(message: HostOutbound): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

process.on('message', (raw: unknown) => {
  const parsed = HostInbound.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`execution host: invalid message from agent: ${parsed.error.message}\n`);
    process.exit(70);
  }
  const message = parsed.data;
  if (message.type === 'host.cancel') return controller.abort();
  void runPackage(
    message.task,
    message.machineName,
    (event) => void send({ type: 'host.event', ...event }),
    controller.signal,
  )
    .catch((error: unknown) => ({
      outcome: 'failed' as const,
      error: `engine error: ${errorText(error)}`,
      statistics: [],
    }))
    .then(async (result) => {
      await send({ type: 'host.result', ...result });
      process.disconnect?.();
      process.exitCode = result.outcome === 'succeeded' ? 0 : 1;
      // Tasks may leave timers or handles behind; the attempt is over, so the process ends now.
      setTimeout(() => process.exit(), 100).unref();
    });
});

process.on('disconnect', () => controller.abort());
