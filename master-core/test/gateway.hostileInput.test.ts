import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, MAX_FRAME_BYTES } from '../protocol/wire';
import { agentHello as hello } from './agentHello';
import { agentTlsOptions, startTestMaster } from './masterFixture';

type TestMaster = Awaited<ReturnType<typeof startTestMaster>>;
/** TLS options trusting the test master's CA (the endpoint serves wss://). */
let tls: WebSocket.ClientOptions = {};

/** Opens a connection, sends frames, and resolves with how the master closed it (or the first reply). */
function exchange(
  url: string,
  frames: (string | Buffer)[],
): Promise<{ code: number; reason: string; replies: unknown[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, tls);
    const replies: unknown[] = [];
    ws.on('open', () => frames.forEach((f) => ws.send(f)));
    ws.on('message', (data) => replies.push(JSON.parse(String(data))));
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), replies }));
    ws.on('error', reject);
  });
}

describe('agent endpoint under hostile input', () => {
  let master: TestMaster;
  beforeAll(async () => {
    master = await startTestMaster({ timings: { helloTimeoutMs: 500 } });
    tls = agentTlsOptions(master);
  });
  afterAll(() => master.cleanup());

  it('closes with 4003 on a first frame that is not JSON', async () => {
    const result = await exchange(master.agentUrl, ['{not json']);
    expect(result.code).toBe(CloseCode.protocolViolation);
    expect(result.reason).toMatch(/valid worker.hello: frame is not valid JSON/);
  });

  it('closes with 4003 naming the field of a malformed hello', async () => {
    const result = await exchange(master.agentUrl, [
      JSON.stringify(hello(master.agentToken, { maxTasks: 0 })),
    ]);
    expect(result.code).toBe(CloseCode.protocolViolation);
    expect(result.reason).toMatch(/maxTasks/);
  });

  it('closes with 4002 on another protocol version', async () => {
    const result = await exchange(master.agentUrl, [
      JSON.stringify(hello(master.agentToken, { protocolVersion: 999 })),
    ]);
    expect(result.code).toBe(CloseCode.versionMismatch);
    expect(result.reason).toMatch(/protocol version 999 not supported/);
  });

  it('closes with 4001 on a wrong token', async () => {
    const result = await exchange(master.agentUrl, [JSON.stringify(hello('not-the-token'))]);
    expect(result.code).toBe(CloseCode.authFailed);
  });

  it('closes with 4006 when no hello comes', async () => {
    const result = await exchange(master.agentUrl, []);
    expect(result.code).toBe(CloseCode.helloTimeout);
  });

  it('closes with 4003 on binary frames and on bad frames after a good hello', async () => {
    expect((await exchange(master.agentUrl, [Buffer.from([1, 2, 3])])).code).toBe(
      CloseCode.protocolViolation,
    );
    const result = await exchange(master.agentUrl, [
      JSON.stringify(hello(master.agentToken)),
      JSON.stringify({ type: 'task.request', credit: 'lots' }),
    ]);
    expect(result.replies).toContainEqual(
      expect.objectContaining({ type: 'master.welcome', workerId: 'w-test' }),
    );
    expect(result.code).toBe(CloseCode.protocolViolation);
    expect(result.reason).toMatch(/credit/);
  });

  it('refuses reports for attempts it never assigned, out of order, and stays up', async () => {
    const result = await new Promise<unknown[]>((resolve) => {
      const ws = new WebSocket(master.agentUrl, tls);
      const replies: unknown[] = [];
      ws.on('open', () => {
        ws.send(JSON.stringify(hello(master.agentToken, { workerId: 'w-order' })));
        ws.send(JSON.stringify({ type: 'task.started', attemptId: 'never-assigned', pid: 1 }));
        ws.send(
          JSON.stringify({
            type: 'task.finished',
            attemptId: 'never-assigned',
            eventCount: 0,
            outcome: 'succeeded',
            exitCode: 0,
            signal: null,
            error: null,
          }),
        );
      });
      ws.on('message', (data) => {
        replies.push(JSON.parse(String(data)));
        if (replies.some((r) => (r as { type: string }).type === 'task.rejected')) {
          ws.close();
          resolve(replies);
        }
      });
    });
    expect(result).toContainEqual({
      type: 'task.cancel',
      attemptId: 'never-assigned',
      reason: 'the attempt is no longer yours',
    });
    expect(result).toContainEqual(
      expect.objectContaining({ type: 'task.rejected', attemptId: 'never-assigned' }),
    );
  });

  it('closes (1009) a frame larger than the limit', async () => {
    const result = await exchange(master.agentUrl, ['x'.repeat(MAX_FRAME_BYTES + 1)]);
    expect(result.code).toBe(1009);
  });

  it('still serves the console and takes a well-behaved worker afterwards', async () => {
    const response = await fetch(`${master.consoleUrl}/api/master.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master.consoleToken}` },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const ws = new WebSocket(master.agentUrl, tls);
    const welcome = await new Promise<unknown>((resolve) => {
      ws.on('open', () => ws.send(JSON.stringify(hello(master.agentToken, { workerId: 'w-good' }))));
      ws.on('message', (data) => resolve(JSON.parse(String(data))));
    });
    expect(welcome).toMatchObject({ type: 'master.welcome', enabled: true });
    ws.close();
  });
});
