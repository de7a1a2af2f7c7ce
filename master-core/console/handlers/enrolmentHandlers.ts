import { ScaleOutError } from '../../protocol/errors';
import { newEnrolmentToken } from '../../security/enrolmentTokens';
import type { HandlerDeps, HandlerGroup } from './context';

type EnrolmentMethods =
  | 'worker.enrolmentToken.create'
  | 'worker.enrolmentToken.list'
  | 'worker.enrolmentToken.revoke'
  | 'worker.revoke'
  | 'master.rotateCertificate';

const noTls = () =>
  new ScaleOutError(
    'CONFLICT',
    'the agent endpoint runs without TLS (--insecure-agent-endpoint): no certificate authority, no enrolment',
  );

/** Enrolment tokens, revoking workers and rotating the agent endpoint's certificate. */
export function enrolmentHandlers({
  repos,
  security,
  bus,
  listWorkers,
}: HandlerDeps): HandlerGroup<EnrolmentMethods> {
  return {
    'worker.enrolmentToken.create': async (input, ctx) => {
      const tls = security.status();
      if (!tls) throw noTls();
      const { token, secretHash, tokenId } = newEnrolmentToken(tls.caFingerprint);
      const row = await repos.enrolment.createToken({
        tokenId,
        secretHash,
        presetName: input.name ?? null,
        presetTags: input.tags ?? null,
        createdBy: input.createdBy ? `${input.createdBy} (${ctx.principal})` : ctx.principal,
        expiresAt: new Date(Date.now() + input.expiresInSeconds * 1000),
      });
      const url = security.advertisedAgentUrl();
      return {
        token,
        tokenId,
        expiresAt: row.expiresAt,
        caFingerprint: tls.caFingerprint,
        advertisedAgentUrl: url,
        installCommand: `scaleout worker install --master ${url} --token ${token}`,
      };
    },
    'worker.enrolmentToken.list': async () => ({ tokens: await repos.enrolment.listTokens() }),
    'worker.enrolmentToken.revoke': async (input) => ({
      token: await repos.enrolment.revokeToken(input.tokenId),
    }),
    'worker.revoke': async (input, ctx) => {
      // Revoking cannot be undone: a name two workers share is refused rather than guessed.
      const namesakes = (await repos.workers.list()).filter(
        (w) => w.display_name.toLowerCase() === input.name.toLowerCase() && w.worker_agent_id !== input.name,
      );
      if (namesakes.length > 1)
        throw new ScaleOutError(
          'CONFLICT',
          `${namesakes.length} workers are named ${input.name}: revoke one by its id (${namesakes.map((w) => w.worker_agent_id).join(', ')})`,
          { field: 'name' },
        );
      const worker = await repos.workers.find(input.name);
      await repos.enrolment.revokeWorker(worker.worker_agent_id, ctx.principal);
      const disconnected = await security.revokeWorker(
        worker.worker_agent_id,
        `worker revoked by ${ctx.principal}; enrol it again to bring it back`,
      );
      const row = (await listWorkers()).find((w) => w.workerId === worker.worker_agent_id);
      if (row) bus.emit({ type: 'worker:changed', worker: row });
      return { workerId: worker.worker_agent_id, name: worker.display_name, disconnected };
    },
    'master.rotateCertificate': async (input) => {
      if (!security.agentTls) throw noTls();
      return security.rotate({ newCa: input.newCa, overlapMs: input.overlapSeconds * 1000 });
    },
  };
}
