import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../master-core/protocol/wire';
import type { MasterMessage, WorkerMessage } from '../../master-core/protocol/wire';

type Frame = WorkerMessage;

/** A scripted master for agent tests: welcomes every hello, records every frame, sends what a test says. */
export async function startFakeMaster(heartbeatIntervalMs = 60_000) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const port = (wss.address() as { port: number }).port;
  const frames: Frame[] = [];
  const wakers = new Set<() => void>();
  let cursor = 0;
  let current: WebSocket | null = null;
  wss.on('connection', (ws) => {
    current = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      frames.push(frame);
      if (frame.type === 'worker.hello')
        send({
          type: 'master.welcome',
          protocolVersion: PROTOCOL_VERSION,
          workerId: frame.workerId,
          enabled: true,
          heartbeatIntervalMs,
          leaseMs: 30_000,
        });
      wakers.forEach((wake) => wake());
    });
  });
  const send = (message: MasterMessage) => current?.send(JSON.stringify(message));
  return {
    url: () => `ws://127.0.0.1:${port}`,
    send,
    close: (code: number, reason: string) => current?.close(code, reason),
    /** The next frame (after those already taken) that matches; the ones skipped are returned too. */
    next<T extends Frame['type']>(type: T, match: (f: Extract<Frame, { type: T }>) => boolean = () => true) {
      return new Promise<{ frame: Extract<Frame, { type: T }>; skipped: Frame[] }>((resolve) => {
        const look = () => {
          for (let i = cursor; i < frames.length; i += 1) {
            const f = frames[i]!;
            if (f.type === type && match(f as Extract<Frame, { type: T }>)) {
              const skipped = frames.slice(cursor, i);
              cursor = i + 1;
              wakers.delete(look);
              return resolve({ frame: f as Extract<Frame, { type: T }>, skipped });
            }
          }
        };
        wakers.add(look);
        look();
      });
    },
    stop: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}

export type FakeMaster = Awaited<ReturnType<typeof startFakeMaster>>;
