/**
 * SQL text shared by the SQLite and PostgreSQL data paths (cursors, bulk inserts): identifiers,
 * table names, what kind of statement a query is, and database messages made safe to log.
 */

/** An identifier in double quotes (both databases), inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** ["schema", "table"] -> "schema"."table". */
export function quoteTableName(parts: readonly string[]): string {
  return parts.map(quoteIdentifier).join('.');
}

/**
 * A table name as a package writes it, in parts: `orders`, `sales.orders`, `"my.schema"."Orders"`.
 * Quoted parts keep dots and case (inner "" is a quote); bare parts are taken as written.
 * Throws with the problem when the text is not a name.
 */
export function parseTableName(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const at = (what: string) => new Error(`table name ${JSON.stringify(text)}: ${what}`);
  while (i <= text.length) {
    if (text[i] === '"') {
      let part = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw at('a quoted part is not closed');
        if (text[i] === '"' && text[i + 1] === '"') {
          part += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else part += text[i++];
      }
      if (part === '') throw at('a quoted part is empty');
      parts.push(part);
    } else {
      const end = text.indexOf('.', i);
      const part = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      if (part === '' || part.includes('"')) throw at('each part must be a name or a "quoted name"');
      parts.push(part);
      i = end < 0 ? text.length : end;
    }
    if (i >= text.length) break;
    if (text[i] !== '.') throw at('parts must be separated by a dot');
    i += 1;
    if (i >= text.length) throw at('it ends with a dot');
  }
  if (parts.length > 3) throw at('at most database.schema.table');
  return parts;
}

/** Comments and blanks at the start of a statement. */
const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/;

/** The statement's first keyword, lower case ('' when none). */
export function leadingKeyword(sql: string): string {
  const rest = sql.replace(LEADING_NOISE, '');
  return /^[A-Za-z]+/.exec(rest)?.[0]?.toLowerCase() ?? '';
}

/** Statements a cursor can hold: a SELECT in any form (PRAGMA, INSERT ... RETURNING are read whole). */
const ROW_QUERIES = {
  sqlite: new Set(['select', 'with', 'values']),
  postgresql: new Set(['select', 'with', 'values', 'table']),
};
export function isCursorQuery(sql: string, type: 'sqlite' | 'postgresql'): boolean {
  return ROW_QUERIES[type].has(leadingKeyword(sql));
}

/** The SQL without the semicolons and blanks that may end it (a cursor wraps it in a statement). */
export function withoutTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/**
 * A database message with every quoted value replaced: PostgreSQL quotes the offending value in
 * data errors (invalid input syntax for type integer: "x"), and a value may be a secret.
 */
export function hideQuotedValues(message: string): string {
  return message.replace(/"(?:[^"]|"")*"/g, '"…"');
}
