import type { ProjectBundle } from '../protocol/packageFormat';
import { ProjectBundle as ProjectBundleSchema } from '../protocol/packageFormat';

/** A project whose package echoes its parameters, so tests can see which values an execution ran with. */
export function echoProject(options: { version?: string; description?: string } = {}): ProjectBundle {
  return ProjectBundleSchema.parse({
    project: {
      name: 'Echo',
      description: options.description ?? '',
      parameters: [
        { name: 'Env', dataType: 'String', defaultValue: 'Dev' },
        { name: 'Password', dataType: 'String', sensitive: true, defaultValue: 'design-secret' },
      ],
    },
    packages: [
      {
        name: 'Say',
        parameters: [
          { name: 'Target', dataType: 'String', required: true },
          { name: 'Count', dataType: 'Int32', defaultValue: 1 },
        ],
        tasks: [
          {
            name: 'Echo',
            type: 'script',
            code: `log.info('version ${options.version ?? '1'}', $Project.Env, $Package.Target, $Package.Count, 'pw=' + $Project.Password);`,
          },
        ],
      },
    ],
  });
}
