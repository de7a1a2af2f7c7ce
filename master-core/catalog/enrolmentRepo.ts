import type { Db } from './db';
import { ScaleOutError } from '../protocol/errors';
import type { EnrolRefusal } from '../protocol/wire';
import type { EnrolmentTokenRow } from '../protocol/apiRows';

interface TokenRecord {
  token_id: string;
  token_hash: string;
  preset_name: string | null;
  preset_tags_json: string | null;
  created_by: string;
  created_time: string;
  expires_time: string;
  used_time: string | null;
  used_by_worker_id: string | null;
  revoked_time: string | null;
  used_by_name?: string | null;
}

export interface CredentialRecord {
  worker_agent_id: string;
  public_key_der: string;
  certificate_pem: string;
  issued_time: string;
  enrolment_token_id: string | null;
  revoked_time: string | null;
  display_name: string;
}

/** A refused enrolment: which of the distinct reasons, with the message the worker shows. */
export class EnrolmentRefused extends ScaleOutError {
  constructor(
    readonly reason: EnrolRefusal,
    message: string,
  ) {
    super(reason === 'invalid' ? 'VALIDATION_FAILED' : 'UNAUTHORIZED', message);
  }
}

function tokenState(r: TokenRecord, nowIso: string): EnrolmentTokenRow['state'] {
  if (r.revoked_time) return 'revoked';
  if (r.used_time) return 'used';
  return r.expires_time <= nowIso ? 'expired' : 'active';
}

function fromRow(r: TokenRecord, nowIso: string): EnrolmentTokenRow {
  return {
    tokenId: r.token_id,
    presetName: r.preset_name,
    presetTags: r.preset_tags_json ? (JSON.parse(r.preset_tags_json) as string[]) : null,
    createdBy: r.created_by,
    createdAt: r.created_time,
    expiresAt: r.expires_time,
    usedAt: r.used_time,
    usedByWorkerId: r.used_by_worker_id,
    usedByWorkerName: r.used_by_name ?? null,
    revokedAt: r.revoked_time,
    state: tokenState(r, nowIso),
  };
}

/** Why a token that could not be claimed was refused, in words for the worker's operator. */
function refusal(r: TokenRecord | undefined, nowIso: string): EnrolmentRefused {
  if (!r)
    return new EnrolmentRefused(
      'unknown',
      'this enrolment token is not known to the master: check it was copied whole, or create one with `scaleout worker-token create`',
    );
  const state = tokenState(r, nowIso);
  if (state === 'revoked')
    return new EnrolmentRefused(
      'revoked',
      `this enrolment token was revoked at ${r.revoked_time}; create a new one`,
    );
  if (state === 'used')
    return new EnrolmentRefused(
      'used',
      `this enrolment token was already used at ${r.used_time} (by worker ${r.used_by_name ?? r.used_by_worker_id}); a token enrols one worker only: create a new one`,
    );
  return new EnrolmentRefused(
    'expired',
    `this enrolment token expired at ${r.expires_time}; create a new one`,
  );
}

/** Enrolment tokens and worker credentials. */
export function createEnrolmentRepo(db: Db) {
  const selectToken = `SELECT t.*, w.display_name AS used_by_name FROM enrolment_tokens t
    LEFT JOIN worker_agents w ON w.worker_agent_id = t.used_by_worker_id`;

  async function createToken(token: {
    tokenId: string;
    secretHash: string;
    presetName: string | null;
    presetTags: string[] | null;
    createdBy: string;
    expiresAt: Date;
  }): Promise<EnrolmentTokenRow> {
    const nowIso = new Date().toISOString();
    await db.run(
      `INSERT INTO enrolment_tokens (token_id, token_hash, preset_name, preset_tags_json, created_by, created_time, expires_time)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        token.tokenId,
        token.secretHash,
        token.presetName,
        token.presetTags ? JSON.stringify(token.presetTags) : null,
        token.createdBy,
        nowIso,
        token.expiresAt.toISOString(),
      ],
    );
    return (await getToken(token.tokenId))!;
  }

  async function getToken(tokenId: string): Promise<EnrolmentTokenRow | undefined> {
    const row = await db.get<TokenRecord>(`${selectToken} WHERE t.token_id = ?`, [tokenId]);
    return row ? fromRow(row, new Date().toISOString()) : undefined;
  }

  async function listTokens(): Promise<EnrolmentTokenRow[]> {
    const nowIso = new Date().toISOString();
    const rows = await db.all<TokenRecord>(`${selectToken} ORDER BY t.created_time DESC LIMIT 1000`);
    return rows.map((r) => fromRow(r, nowIso));
  }

  async function revokeToken(tokenId: string): Promise<EnrolmentTokenRow> {
    const row = await getToken(tokenId);
    if (!row) throw new ScaleOutError('NOT_FOUND', `no enrolment token ${tokenId}`, { field: 'tokenId' });
    if (row.state === 'used')
      throw new ScaleOutError(
        'CONFLICT',
        `enrolment token ${tokenId} was already used by worker ${row.usedByWorkerName ?? row.usedByWorkerId}: revoke the worker instead`,
        { field: 'tokenId' },
      );
    await db.run('UPDATE enrolment_tokens SET revoked_time = COALESCE(revoked_time, ?) WHERE token_id = ?', [
      new Date().toISOString(),
      tokenId,
    ]);
    return (await getToken(tokenId))!;
  }

  /** The presets of a token that could still be claimed, or the refusal; claims nothing. */
  async function peek(
    secretHash: string,
  ): Promise<{ presetName: string | null; presetTags: string[] | null }> {
    const nowIso = new Date().toISOString();
    const row = await db.get<TokenRecord>(`${selectToken} WHERE t.token_hash = ?`, [secretHash]);
    if (!row || tokenState(row, nowIso) !== 'active') throw refusal(row, nowIso);
    return {
      presetName: row.preset_name,
      presetTags: row.preset_tags_json ? (JSON.parse(row.preset_tags_json) as string[]) : null,
    };
  }

  /**
   * Claims the token and registers the worker with its credential, all in one transaction: the
   * token's conditional UPDATE succeeds for exactly one caller, so two workers racing with one
   * token cannot both enrol.
   */
  async function enrol(claim: {
    secretHash: string;
    workerId: string;
    name: string;
    tags: string[];
    machineName: string;
    enabled: boolean;
    publicKeyDer: Buffer;
    certificatePem: string;
  }): Promise<void> {
    await db.transaction(async (tx) => {
      const nowIso = new Date().toISOString();
      const claimed = await tx.run(
        `UPDATE enrolment_tokens SET used_time = ?, used_by_worker_id = ?
          WHERE token_hash = ? AND used_time IS NULL AND revoked_time IS NULL AND expires_time > ?`,
        [nowIso, claim.workerId, claim.secretHash, nowIso],
      );
      if (claimed.changes !== 1) {
        const row = await tx.get<TokenRecord>(`${selectToken} WHERE t.token_hash = ?`, [claim.secretHash]);
        throw refusal(row, nowIso);
      }
      const token = await tx.get<{ token_id: string }>(
        'SELECT token_id FROM enrolment_tokens WHERE token_hash = ?',
        [claim.secretHash],
      );
      await tx.run(
        `INSERT INTO worker_agents (worker_agent_id, display_name, machine_name, user_account, tags_json, is_enabled,
           max_tasks, machine_json, last_online_time)
         VALUES (?, ?, ?, '', ?, ?, 1, '{}', ?)`,
        [
          claim.workerId,
          claim.name,
          claim.machineName,
          JSON.stringify(claim.tags),
          claim.enabled ? 1 : 0,
          nowIso,
        ],
      );
      await tx.run(
        `INSERT INTO worker_credentials (worker_agent_id, public_key_der, certificate_pem, issued_time, enrolment_token_id)
         VALUES (?, ?, ?, ?, ?)`,
        [
          claim.workerId,
          claim.publicKeyDer.toString('base64'),
          claim.certificatePem,
          nowIso,
          token!.token_id,
        ],
      );
    });
  }

  async function credential(workerId: string): Promise<CredentialRecord | undefined> {
    return db.get<CredentialRecord>(
      `SELECT c.*, w.revoked_time, w.display_name FROM worker_credentials c
        JOIN worker_agents w ON w.worker_agent_id = c.worker_agent_id WHERE c.worker_agent_id = ?`,
      [workerId],
    );
  }

  /** A certificate re-issued for the same key (a new CA): the catalog keeps the latest. */
  async function replaceCertificate(workerId: string, certificatePem: string): Promise<void> {
    await db.run(
      'UPDATE worker_credentials SET certificate_pem = ?, issued_time = ? WHERE worker_agent_id = ?',
      [certificatePem, new Date().toISOString(), workerId],
    );
  }

  /** Revoked for good: disabled, and refused at every later connection. */
  async function revokeWorker(workerId: string, by: string): Promise<void> {
    await db.run(
      'UPDATE worker_agents SET revoked_time = COALESCE(revoked_time, ?), revoked_by = COALESCE(revoked_by, ?), is_enabled = 0 WHERE worker_agent_id = ?',
      [new Date().toISOString(), by, workerId],
    );
  }

  async function revokedAt(workerId: string): Promise<string | null> {
    const row = await db.get<{ revoked_time: string | null }>(
      'SELECT revoked_time FROM worker_agents WHERE worker_agent_id = ?',
      [workerId],
    );
    return row?.revoked_time ?? null;
  }

  return {
    createToken,
    listTokens,
    revokeToken,
    peek,
    enrol,
    credential,
    replaceCertificate,
    revokeWorker,
    revokedAt,
  };
}

export type EnrolmentRepo = ReturnType<typeof createEnrolmentRepo>;
