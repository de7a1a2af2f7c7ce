import type { Queries } from './db';
import { ScaleOutError } from '../protocol/errors';

/** Ids by name, failing with NOT_FOUND naming the missing object. */
export async function folderId(q: Queries, folderName: string): Promise<number> {
  const row = await q.get<{ folder_id: number }>('SELECT folder_id FROM folders WHERE name = ?', [
    folderName,
  ]);
  if (!row)
    throw new ScaleOutError('NOT_FOUND', `folder ${folderName} does not exist`, { field: 'folderName' });
  return row.folder_id;
}

export async function projectId(q: Queries, folderName: string, projectName: string): Promise<number> {
  const row = await q.get<{ project_id: number }>(
    'SELECT p.project_id FROM projects p JOIN folders f ON f.folder_id = p.folder_id WHERE f.name = ? AND p.name = ?',
    [folderName, projectName],
  );
  if (!row)
    throw new ScaleOutError('NOT_FOUND', `project ${folderName}/${projectName} is not in the catalog`, {
      field: 'projectName',
    });
  return row.project_id;
}
