import WebSocket from 'ws';

export type Frame = { type: string; [key: string]: unknown };

/** A scripted agent connection: sends frames, waits for the frame a predicate picks. */
export async function connectScriptedAgent(url: string, tls: WebSocket.ClientOptions) {
  const ws = new WebSocket(url, tls);
  const frames: Frame[] = [];
  const waiters: { pick: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.pick(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    frames,
    send: (frame: object) => ws.send(JSON.stringify(frame)),
    next: (pick: (f: Frame) => boolean) =>
      new Promise<Frame>((resolve, reject) => {
        const seen = frames.find(pick);
        if (seen) return resolve(seen);
        const timer = setTimeout(() => reject(new Error('no such frame within 15 s')), 15_000);
        waiters.push({
          pick,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      }),
  };
}
