import { ScaleOutError } from '../../protocol/errors';
import type { ProjectBundle } from '../../protocol/packageFormat';
import { validateBundle } from '../../execution/validateBundle';
import { loadProjectFiles } from '../../deploy/loadProjectDir';
import { mayRead } from '../../security/permissions';
import type { HandlerDeps, HandlerGroup } from './context';

type CatalogMethods =
  | 'catalog.tree'
  | 'folder.create'
  | 'folder.delete'
  | 'project.deploy'
  | 'project.deployFiles'
  | 'project.versions'
  | 'project.restore'
  | 'project.delete'
  | 'project.parameters'
  | 'project.configure';

/** Folders, projects, versions and server-side parameter values. */
export function catalogHandlers({ repos, bus }: HandlerDeps): HandlerGroup<CatalogMethods> {
  const changed = () => bus.emit({ type: 'catalog:changed' });
  /** Stores a valid bundle as the project's new version (unless unchanged), then cleans old versions. */
  const deploy = async (folderName: string, bundle: ProjectBundle, principal: string) => {
    const result = await repos.projects.deploy(folderName, bundle, principal);
    if (!result.unchanged) {
      if ((await repos.properties.get('VERSION_CLEANUP_ENABLED')) === 'TRUE') {
        await repos.versions.cleanup(Number(await repos.properties.get('MAX_PROJECT_VERSIONS')));
      }
      changed();
    }
    return result;
  };
  return {
    'catalog.tree': async (_input, ctx) => {
      // Only the folders the caller may read (security/permissions.ts).
      const folders = (await repos.projects.tree()).filter((f) => !ctx.caller || mayRead(ctx.caller, f.name));
      for (const folder of folders) {
        folder.environments = await repos.environments.list(folder.name);
        for (const project of folder.projects)
          project.references = await repos.environments.references(folder.name, project.name);
      }
      return { folders };
    },
    'folder.create': async (input) => {
      const created = await repos.projects.createFolder(input.name, input.description);
      if (created) changed();
      return { created };
    },
    'folder.delete': async (input) => {
      await repos.versions.deleteFolder(input.name);
      changed();
      return {};
    },
    'project.deploy': async (input, ctx) => {
      const problems = validateBundle(input.bundle);
      if (problems.length > 0) {
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          `project ${input.bundle.project.name} is not valid:\n  ${problems.map((p) => `${p.where}: ${p.path}: ${p.message}`).join('\n  ')}`,
          { field: 'bundle' },
        );
      }
      return deploy(input.folderName, input.bundle, ctx.principal);
    },
    'project.deployFiles': async (input, ctx) => {
      // Read as `scaleout deploy DIR` reads a folder; stored only with no problem and not validateOnly.
      const { bundle, problems, projectName, packageNames } = loadProjectFiles(input.files);
      const deployed =
        bundle && !input.validateOnly ? await deploy(input.folderName, bundle, ctx.principal) : null;
      return { problems, projectName, packageNames, deployed };
    },
    'project.versions': async (input) => ({
      versions: await repos.versions.list(input.folderName, input.projectName),
    }),
    'project.restore': async (input) => {
      await repos.versions.restore(input.folderName, input.projectName, input.versionId);
      changed();
      return {};
    },
    'project.delete': async (input) => {
      await repos.versions.deleteProject(input.folderName, input.projectName);
      changed();
      return {};
    },
    'project.parameters': async (input) => ({
      parameters: await repos.parameterValues.listParameters(input.folderName, input.projectName),
    }),
    'project.configure': async (input) => {
      await repos.parameterValues.configure(input.folderName, input.projectName, input);
      changed();
      return {};
    },
  };
}
