import type { Command } from 'commander';
import { ParameterDataType } from '../../master-core/protocol/packageFormat';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { clientOf, int, pair, withConnection } from '../flags';
import { statusName, table } from './format';

const out = (text: string) => process.stdout.write(text);
const show = (value: unknown) => (value === null || value === undefined ? '' : String(value));
const project = (value: string) => {
  const [folderName, projectName] = pair(value, 'project', '<folder>/<project>');
  return { folderName, projectName };
};
const environment = (value: string) => {
  const [folderName, environmentName] = pair(value, 'environment', '<folder>/<environment>');
  return { folderName, environmentName };
};
const dataType = (value: string) => {
  const parsed = ParameterDataType.safeParse(value);
  if (!parsed.success) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `--type must be one of ${ParameterDataType.options.join(', ')} (got "${value}")`,
      {
        field: 'type',
      },
    );
  }
  return parsed.data;
};
const idArg = (name: string) => int(name, 1, Number.MAX_SAFE_INTEGER);

function folderCommands(program: Command): void {
  const folder = program.command('folder').description('catalog folders');
  withConnection(folder.command('list'))
    .description('list folders with their projects and environments')
    .action(async (flags) => {
      const { folders } = await clientOf(flags).call('catalog.tree', {});
      out(
        table(
          ['Folder', 'Projects', 'Environments'],
          folders.map((f) => [
            f.name,
            f.projects.map((p) => p.name).join(', '),
            f.environments.map((e) => e.name).join(', '),
          ]),
        ),
      );
    });
  withConnection(folder.command('create <name>'))
    .option('--description <text>', 'what the folder is for', '')
    .action(async (name: string, flags) => {
      const { created } = await clientOf(flags).call('folder.create', {
        name,
        description: flags.description,
      });
      out(created ? `created folder ${name}\n` : `folder ${name} already exists\n`);
    });
  withConnection(folder.command('delete <name>'))
    .description('delete an empty folder')
    .action(async (name: string, flags) => {
      await clientOf(flags).call('folder.delete', { name });
      out(`deleted folder ${name}\n`);
    });
}

function projectCommands(program: Command): void {
  const cmd = program
    .command('project')
    .description('deployed projects: versions, parameters, configuration');
  withConnection(cmd.command('versions <folder/project>'))
    .description('list the versions of a project, newest first')
    .action(async (p: string, flags) => {
      const { versions } = await clientOf(flags).call('project.versions', project(p));
      out(
        table(
          ['Version', 'Current', 'Deployed', 'By', 'Packages'],
          versions.map((v) => [
            String(v.versionId),
            v.isCurrent ? 'yes' : '',
            v.deployedAt,
            v.deployedBy,
            v.packageNames.join(', '),
          ]),
        ),
      );
    });
  withConnection(cmd.command('restore <folder/project> <version>'))
    .description('make an earlier version current again')
    .action(async (p: string, version: string, flags) => {
      await clientOf(flags).call('project.restore', { ...project(p), versionId: idArg('version')(version) });
      out(`${p} now runs version ${version}\n`);
    });
  withConnection(cmd.command('delete <folder/project>'))
    .description('delete a project with all its versions')
    .action(async (p: string, flags) => {
      await clientOf(flags).call('project.delete', project(p));
      out(`deleted project ${p}\n`);
    });
  withConnection(cmd.command('parameters <folder/project>'))
    .description('project and package parameters with their server values')
    .action(async (p: string, flags) => {
      const { parameters } = await clientOf(flags).call('project.parameters', project(p));
      out(
        table(
          ['Object', 'Parameter', 'Type', 'Required', 'Default', 'Server value'],
          parameters.map((x) => [
            x.objectName,
            x.reference,
            x.dataType,
            x.required ? 'yes' : '',
            x.sensitive ? '(sensitive)' : show(x.defaultValue),
            !x.serverValue
              ? ''
              : x.serverValue.kind === 'reference'
                ? `env:${x.serverValue.variableName}`
                : x.sensitive
                  ? '(sensitive)'
                  : show(x.serverValue.value),
          ]),
        ),
      );
    });
  withConnection(cmd.command('configure <folder/project> <reference>'))
    .description(
      'set a server value ($Project::Name or $Package::Name): a literal, an environment variable, or clear it',
    )
    .option('--package <name>', 'the package, for a $Package:: parameter')
    .option('--value <value>', 'a literal value')
    .option(
      '--env-variable <name>',
      'take the value from this variable of the environment chosen at run time',
    )
    .option('--clear', 'remove the server value', false)
    .action(async (p: string, reference: string, flags) => {
      const given = [flags.value !== undefined, flags.envVariable !== undefined, flags.clear].filter(
        Boolean,
      ).length;
      if (given !== 1) {
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          'give exactly one of --value, --env-variable or --clear',
          { field: 'value' },
        );
      }
      await clientOf(flags).call('project.configure', {
        ...project(p),
        reference,
        ...(flags.package ? { packageName: flags.package } : {}),
        ...(flags.value !== undefined ? { value: flags.value } : {}),
        ...(flags.envVariable !== undefined ? { referencedVariable: flags.envVariable } : {}),
      });
      out(`configured ${reference} of ${p}\n`);
    });
}

function environmentCommands(program: Command): void {
  const cmd = program.command('environment').description('environments and their variables');
  withConnection(cmd.command('list <folder>')).action(async (folderName: string, flags) => {
    const { environments } = await clientOf(flags).call('environment.list', { folderName });
    out(
      table(
        ['Environment', 'Variable', 'Type', 'Value', 'Description'],
        environments.flatMap((e) =>
          e.variables.length === 0
            ? [[e.name, '', '', '', e.description]]
            : e.variables.map((v) => [
                e.name,
                v.name,
                v.dataType,
                v.sensitive ? '(sensitive)' : show(v.value),
                v.description,
              ]),
        ),
      ),
    );
  });
  withConnection(cmd.command('create <folder/environment>'))
    .option('--description <text>', 'what the environment is for', '')
    .action(async (e: string, flags) => {
      await clientOf(flags).call('environment.create', { ...environment(e), description: flags.description });
      out(`created environment ${e}\n`);
    });
  withConnection(cmd.command('delete <folder/environment>')).action(async (e: string, flags) => {
    await clientOf(flags).call('environment.delete', environment(e));
    out(`deleted environment ${e}\n`);
  });
  withConnection(cmd.command('set <folder/environment> <name> <value>'))
    .description('add or change a variable')
    .option('--type <type>', 'String, Boolean, Int32, Int64, Double, Decimal or DateTime', 'String')
    .option('--sensitive', 'encrypt the value and never show it', false)
    .option('--description <text>', 'what the variable is for', '')
    .action(async (e: string, name: string, value: string, flags) => {
      await clientOf(flags).call('environment.setVariable', {
        ...environment(e),
        name,
        value,
        dataType: dataType(flags.type),
        sensitive: flags.sensitive,
        description: flags.description,
      });
      out(`set ${name} in ${e}\n`);
    });
  withConnection(cmd.command('unset <folder/environment> <name>')).action(
    async (e: string, name: string, flags) => {
      await clientOf(flags).call('environment.deleteVariable', { ...environment(e), name });
      out(`removed ${name} from ${e}\n`);
    },
  );
}

function referenceCommands(program: Command): void {
  const cmd = program.command('reference').description("a project's references to environments");
  withConnection(cmd.command('list <folder/project>')).action(async (p: string, flags) => {
    const { references } = await clientOf(flags).call('project.references', project(p));
    out(
      table(
        ['Id', 'Type', 'Environment'],
        references.map((r) => [
          String(r.referenceId),
          r.referenceType === 'R' ? 'relative' : 'absolute',
          `${r.environmentFolderName}/${r.environmentName}`,
        ]),
      ),
    );
  });
  withConnection(cmd.command('add <folder/project> <environment>'))
    .description('reference <environment> in the project folder, or <folder>/<environment> elsewhere')
    .action(async (p: string, env: string, flags) => {
      const target = env.includes('/') ? environment(env) : undefined;
      const { referenceId } = await clientOf(flags).call('reference.add', {
        ...project(p),
        ...(target ? { environmentFolderName: target.folderName } : {}),
        environmentName: target ? target.environmentName : env,
      });
      out(`reference ${referenceId} added\n`);
    });
  withConnection(cmd.command('remove <id>')).action(async (id: string, flags) => {
    await clientOf(flags).call('reference.remove', { referenceId: idArg('id')(id) });
    out(`reference ${id} removed\n`);
  });
}

function otherCommands(program: Command): void {
  withConnection(program.command('execution <id>'))
    .description('one execution: its details, parameter values and task statistics')
    .action(async (id: string, flags) => {
      const client = clientOf(flags);
      const executionId = idArg('id')(id);
      const { execution: e } = await client.call('execution.get', { executionId });
      const { parameters } = await client.call('execution.parameters', { executionId });
      const { statistics } = await client.call('execution.statistics', { executionId });
      out(
        `execution ${e.executionId}: ${e.folderName}/${e.projectName}/${e.packageName} (version ${show(e.versionId)})\n`,
      );
      out(
        `status ${statusName(e.status)}; attempts ${e.attempts}/${e.retryCount + 1}; worker ${show(e.workerName)}; environment ${show(e.environmentName)}\n`,
      );
      out(
        `created ${e.createdAt} by ${e.createdBy}; started ${show(e.startedAt)}; ended ${show(e.endedAt)}\n`,
      );
      if (e.lastError) out(`error: ${e.lastError}\n`);
      out(
        `\n${table(
          ['Parameter', 'Type', 'Value', 'From'],
          parameters.map((p) => [p.name, p.dataType, p.sensitive ? '(sensitive)' : show(p.value), p.source]),
        )}`,
      );
      out(
        `\n${table(
          ['Attempt', 'Task', 'Result', 'Duration ms'],
          statistics.map((s) => [
            String(s.attemptNumber),
            s.executionPath,
            ['success', 'failure', 'completion', 'cancelled'][s.executionResult] ?? '',
            String(s.durationMs),
          ]),
        )}`,
      );
    });
  const property = program.command('property').description('catalog properties');
  withConnection(property.command('list')).action(async (flags) => {
    const { properties } = await clientOf(flags).call('property.list', {});
    out(
      table(
        ['Property', 'Value', 'Description'],
        properties.map((p) => [p.name, p.value, p.description]),
      ),
    );
  });
  withConnection(property.command('set <name> <value>')).action(
    async (name: string, value: string, flags) => {
      await clientOf(flags).call('property.set', { name, value });
      out(`${name.toUpperCase()} = ${value}\n`);
    },
  );
}

/** Folders, projects, environments, references, executions and properties from the command line. */
export function registerCatalogCommands(program: Command): void {
  folderCommands(program);
  projectCommands(program);
  environmentCommands(program);
  referenceCommands(program);
  otherCommands(program);
}
