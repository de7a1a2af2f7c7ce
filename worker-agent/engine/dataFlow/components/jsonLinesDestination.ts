/**
 * JSON Lines Destination: one JSON object per row and line (LF), properties in column order,
 * written in the flatFile connection manager's encoding. NULL is null, dates are ISO 8601 (UTC)
 * strings, bytes are base64 strings, numbers that are not finite are null (JSON has no NaN).
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ComponentFactory, Row } from '../types';
import { fileDestination, openFileSink } from './fileSink';
import { isoText, unencodable } from './flatFileDestination';

type Definition = ComponentOf<'jsonLinesDestination'>;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * The JSON lines of a buffer of rows. Characters the encoding cannot hold (ascii, latin1) are
 * written as JSON \u escapes, which read back the same.
 */
export function jsonLinesOf(
  rows: readonly Row[],
  columns: readonly ColumnMeta[],
  encoding: BufferEncoding = 'utf8',
): string {
  const outside = unencodable(encoding);
  const escapes = outside ? new RegExp(outside.source, 'g') : null;
  let text = '';
  for (const row of rows) {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const value = row[i] ?? null;
      object[columns[i]!.name] = Buffer.isBuffer(value)
        ? value.toString('base64')
        : value instanceof Date
          ? isoText(value) || null
          : value;
    }
    const line = JSON.stringify(object);
    text += `${escapes ? line.replace(escapes, escape) : line}\n`;
  }
  return text;
}

export const createJsonLinesDestination: ComponentFactory<Definition> = (def, context) => {
  const columns = context.inputs.get('Input') ?? [];
  return fileDestination(
    async () => {
      const file = await context.task.connection(def.connection, 'flatFile');
      return { sink: await openFileSink(file.path, file.encoding, def.overwrite), encoding: file.encoding };
    },
    ({ encoding }, rows) => jsonLinesOf(rows, columns, encoding),
  );
};
