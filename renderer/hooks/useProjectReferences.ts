import { useEffect, useState } from 'react';
import type { ReferenceInfo } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { useApi } from './useApi';

export type ProjectReferences =
  | { state: 'loading' }
  | { state: 'loaded'; references: ReferenceInfo[] }
  | { state: 'error'; message: string };

/** The environment references of each project ("folder/project" keys), read once per project. */
export function useProjectReferences(
  projects: readonly { folderName: string; projectName: string }[],
): Record<string, ProjectReferences> {
  const client = useApi();
  const [byProject, setByProject] = useState<Record<string, ProjectReferences>>({});
  const keys = [...new Set(projects.map((p) => `${p.folderName}/${p.projectName}`))].sort().join('\n');
  useEffect(() => {
    let current = true;
    for (const key of keys === '' ? [] : keys.split('\n')) {
      const slash = key.indexOf('/');
      const folderName = key.slice(0, slash);
      const projectName = key.slice(slash + 1);
      setByProject((s) => (s[key] ? s : { ...s, [key]: { state: 'loading' } }));
      client
        .call('project.references', { folderName, projectName })
        .then(
          ({ references }) =>
            current && setByProject((s) => ({ ...s, [key]: { state: 'loaded', references } })),
        )
        .catch(
          (e: unknown) =>
            current &&
            setByProject((s) => ({ ...s, [key]: { state: 'error', message: coerceError(e).message } })),
        );
    }
    return () => {
      current = false;
    };
  }, [client, keys]);
  return byProject;
}
