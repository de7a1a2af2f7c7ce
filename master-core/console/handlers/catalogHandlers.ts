import { ScaleOutError } from '../../protocol/errors';
import { validateBundle } from '../../execution/validateBundle';
import type { HandlerDeps, HandlerGroup } from './context';

type CatalogMethods =
  | 'catalog.tree'
  | 'folder.create'
  | 'folder.delete'
  | 'project.deploy'
  | 'project.versions'
  | 'project.restore'
  | 'project.delete'
  | 'project.parameters'
  | 'project.configure';

/** Folders, projects, versions and server-side parameter values. */
export function catalogHandlers({ repos, bus }: HandlerDeps): HandlerGroup<CatalogMethods> {
  const changed = () => bus.emit({ type: 'catalog:changed' });
  return {
    'catalog.tree': async () => {
      const folders = await repos.projects.tree();
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
      const result = await repos.projects.deploy(input.folderName, input.bundle, ctx.principal);
      if (!result.unchanged) {
        if ((await repos.properties.get('VERSION_CLEANUP_ENABLED')) === 'TRUE') {
          await repos.versions.cleanup(Number(await repos.properties.get('MAX_PROJECT_VERSIONS')));
        }
        changed();
      }
      return result;
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
