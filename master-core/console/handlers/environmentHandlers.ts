import type { HandlerDeps, HandlerGroup } from './context';

type EnvironmentMethods =
  | 'environment.list'
  | 'environment.create'
  | 'environment.delete'
  | 'environment.setVariable'
  | 'environment.deleteVariable'
  | 'project.references'
  | 'reference.add'
  | 'reference.remove';

/** Environments, their variables, and project references to them. */
export function environmentHandlers({ repos, bus }: HandlerDeps): HandlerGroup<EnvironmentMethods> {
  const changed = () => bus.emit({ type: 'catalog:changed' });
  const env = repos.environments;
  return {
    'environment.list': async (input) => ({ environments: await env.list(input.folderName) }),
    'environment.create': async (input) => {
      await env.create(input.folderName, input.environmentName, input.description);
      changed();
      return {};
    },
    'environment.delete': async (input) => {
      await env.remove(input.folderName, input.environmentName);
      changed();
      return {};
    },
    'environment.setVariable': async (input) => {
      await env.setVariable(input.folderName, input.environmentName, input);
      changed();
      return {};
    },
    'environment.deleteVariable': async (input) => {
      await env.deleteVariable(input.folderName, input.environmentName, input.name);
      changed();
      return {};
    },
    'project.references': async (input) => ({
      references: await env.references(input.folderName, input.projectName),
    }),
    'reference.add': async (input) => {
      const referenceId = await env.addReference(
        input.folderName,
        input.projectName,
        input.environmentFolderName,
        input.environmentName,
      );
      changed();
      return { referenceId };
    },
    'reference.remove': async (input) => {
      await env.removeReference(input.referenceId);
      changed();
      return {};
    },
  };
}
