import WebSocket from 'ws';
import { agentHello } from './agentHello';
import { agentTlsOptions } from './masterFixture';

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

export type ScriptedAgent = Awaited<ReturnType<typeof connectScriptedAgent>>;

/** A scripted agent connected to a test master, its hello sent and welcomed. */
export async function welcomedAgent(
  master: { agentUrl: string; agentToken: string; caFile: string | null },
  hello: Record<string, unknown>,
): Promise<ScriptedAgent> {
  const agent = await connectScriptedAgent(master.agentUrl, agentTlsOptions(master));
  agent.send(agentHello(master.agentToken, { agentVersion: '99.0.0', ...hello }));
  await agent.next((f) => f.type === 'master.welcome');
  return agent;
}

/** Asks for one task and returns the attempt the master assigned. */
export async function takeTask(agent: ScriptedAgent): Promise<string> {
  agent.send({ type: 'task.request', credit: 1 });
  const assign = await agent.next((f) => f.type === 'task.assign');
  return (assign.task as { attemptId: string }).attemptId;
}

/** An attempt's final report: succeeded with no events, unless overridden. */
export function finishedReport(attemptId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'task.finished',
    attemptId,
    eventCount: 0,
    outcome: 'succeeded',
    exitCode: 0,
    signal: null,
    error: null,
    ...overrides,
  };
}
