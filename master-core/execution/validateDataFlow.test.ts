import { describe, expect, it } from 'vitest';
import { flow, source } from '../protocol/dataFlowTestFlow';
import { ProjectBundle } from '../protocol/packageFormat';
import { validateBundle } from './validateBundle';

describe('deploy validation of data flows', () => {
  it('is part of deploy validation, with connection managers checked', () => {
    const problems = validateBundle(
      ProjectBundle.parse({
        project: {
          name: 'P',
          connectionManagers: [{ name: 'OrdersFile', type: 'flatFile', connectionString: 'o.csv' }],
        },
        packages: [
          {
            name: 'K',
            tasks: [
              {
                ...flow(
                  [{ name: 'Db', type: 'sqlDestination', connection: 'OrdersFile', table: 't' }],
                  [{ from: 'Orders', to: 'Db' }],
                ),
                components: [
                  source,
                  { name: 'Db', type: 'sqlDestination', connection: 'OrdersFile', table: 't' },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'tasks.0.components.1.connection: connection manager OrdersFile is flatFile; this needs sqlite or postgresql',
    ]);
  });
});
