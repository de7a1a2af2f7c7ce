/**
 * JSON Lines Destination: one JSON object per row and line (LF), properties in column order,
 * written in the flatFile connection manager's encoding. NULL is null, dates are ISO 8601 (UTC)
 * strings, bytes are base64 strings, numbers that are not finite are null (JSON has no NaN).
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ComponentFactory, Row } from '../types';
import type { FileSink } from './fileSink';
import { openFileSink } from './fileSink';
import { isoText } from './flatFileDestination';

type Definition = ComponentOf<'jsonLinesDestination'>;

/** The JSON lines of a buffer of rows. */
export function jsonLinesOf(rows: readonly Row[], columns: readonly ColumnMeta[]): string {
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
    text += `${JSON.stringify(object)}\n`;
  }
  return text;
}

export const createJsonLinesDestination: ComponentFactory<Definition> = (def, context) => {
  const columns = context.inputs.get('Input') ?? [];
  let opening: Promise<FileSink> | null = null;
  const open = () =>
    (opening ??= (async () => {
      const file = await context.task.connection(def.connection, 'flatFile');
      return openFileSink(file.path, file.encoding, def.overwrite);
    })());
  return {
    async receive(_input, rows) {
      const sink = await open();
      await sink.write(jsonLinesOf(rows, columns));
    },
    async end() {
      const sink = await open();
      await sink.commit();
    },
    async close() {
      const sink = await opening?.catch(() => null);
      await sink?.abort();
    },
  };
};
