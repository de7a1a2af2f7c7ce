import { loadProjectDir } from '../master-core/deploy/loadProjectDir';
import type { ApiClient } from '../master-core/protocol/apiClient';
import type { Logger } from '../master-core/logger';

/** Deploying project folders through the console API, as the CLI does (the catalog sees one path). */

export const SAMPLE_FOLDER = 'Samples';
export const DEFAULT_DEPLOY_FOLDER = 'Default';

export interface DeployOutcome {
  folderName: string;
  projectName: string;
  versionId: number;
  packageCount: number;
  unchanged: boolean;
}

/** Reads and validates the folder (every problem at once), then deploys it as a new project version. */
export async function deployProjectDir(
  client: ApiClient,
  dir: string,
  folderName: string,
): Promise<DeployOutcome> {
  const bundle = loadProjectDir(dir);
  const result = await client.call('project.deploy', { folderName, bundle });
  return { folderName, projectName: bundle.project.name, ...result };
}

/** First run (an empty catalog): deploy the sample projects so there is something to run. */
export async function deploySampleOnFirstRun(
  client: ApiClient,
  sampleDirs: readonly string[],
  log: Logger,
): Promise<void> {
  const { folders } = await client.call('catalog.tree', {});
  if (folders.length > 0) return;
  for (const dir of sampleDirs) {
    const outcome = await deployProjectDir(client, dir, SAMPLE_FOLDER);
    log.info(`first run: deployed the sample project ${SAMPLE_FOLDER}/${outcome.projectName}`);
  }
}

export function describeDeploy(outcome: DeployOutcome): string {
  const target = `${outcome.folderName}/${outcome.projectName}`;
  return outcome.unchanged
    ? `${target} is unchanged: version ${outcome.versionId} is already current.`
    : `Deployed ${target} as version ${outcome.versionId} (${outcome.packageCount} package${outcome.packageCount === 1 ? '' : 's'}).`;
}
