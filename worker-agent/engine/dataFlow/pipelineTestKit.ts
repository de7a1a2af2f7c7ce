// Test helper: runs SQL on a real SQLite file through the engine's own connection code.
import { createConnectionRegistry } from '../connections/registry';

/** Runs the statements in order on the file; returns the rows of the last one. */
export async function querySqlite(file: string, statements: string[]): Promise<Record<string, unknown>[]> {
  const registry = createConnectionRegistry(
    [
      {
        name: 'Db',
        type: 'sqlite',
        connectionString: file,
        description: '',
        propertyExpressions: {},
        readOnly: false,
      },
    ],
    {
      workDir: process.cwd(),
      addSecret: () => undefined,
    },
  );
  try {
    const db = await registry.open('Db', 'sqlite');
    let rows: Record<string, unknown>[] = [];
    for (const sql of statements) rows = (await db.query(sql)).rows;
    return rows;
  } finally {
    await registry.closeAll();
  }
}
