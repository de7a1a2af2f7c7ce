/**
 * The configuration file of a freshly enrolled worker, shared by `scaleout worker install` and the
 * bundle's own `enrol` (Windows, containers, any supervisor but systemd and launchd).
 */
import { loadCredentials } from '../../worker-agent/credentials';
import type { WorkerConfigInput } from '../../worker-agent/config/workerConfig';
import { unrooted } from './serviceFiles';
import type { EnrolWorker } from './serviceHost';

export interface EnrolledWorkerFlags {
  master: string;
  name?: string;
  tags: string[];
  maxTasks?: number;
  /** The work folder as the running worker sees it (without --root). */
  workDir: string;
  /** Install's --root ('/' otherwise): paths written under it are stored as the service sees them. */
  root: string;
}

export function configAfterEnrolment(
  flags: EnrolledWorkerFlags,
  enrolled: Awaited<ReturnType<EnrolWorker>>,
): WorkerConfigInput {
  // The name and tags the master gave (a token may preset them), so the file says what is true.
  const identity = loadCredentials(enrolled.credentialDir);
  const name = identity?.name ?? flags.name;
  return {
    MasterEndpoint: flags.master,
    ...(name ? { DisplayName: name } : {}),
    Tags: identity?.tags ?? flags.tags,
    ...(flags.maxTasks ? { MaxTaskCount: flags.maxTasks } : {}),
    WorkFolder: flags.workDir,
    CredentialFolder: unrooted(flags.root, enrolled.credentialDir),
    // Not MasterCaFingerprints: the credential folder holds the pins and CA rotations update them
    // there; a copy here would keep trusting a CA the master has retired.
  };
}
