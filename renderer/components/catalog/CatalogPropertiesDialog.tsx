import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import { useApiQuery } from '../../hooks/useApiQuery';
import { CatalogDialogFrame, EmptyRow, ErrorAlert, LoadingRow } from './CatalogDialogFrame';

interface CatalogPropertiesDialogProps {
  onClose: () => void;
}

/**
 * Catalog Properties (SSISDB's catalog_properties): each value editable; OK sends the changed ones
 * to the master, which validates them; a refused value shows the master's reason under its field.
 */
export function CatalogPropertiesDialog({ onClose }: CatalogPropertiesDialogProps) {
  const client = useApi();
  const properties = useApiQuery(
    'catalog-properties',
    async (c) => (await c.call('property.list', {})).properties,
  );
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const rows = properties.data ?? [];
  const changed = rows.filter((p) => edits[p.name] !== undefined && edits[p.name] !== p.value);

  async function apply(closeAfter: boolean) {
    setBusy(true);
    const errors: Record<string, string> = {};
    const done: string[] = [];
    for (const p of changed) {
      try {
        await client.call('property.set', { name: p.name, value: edits[p.name]!.trim() });
        done.push(p.name);
      } catch (e) {
        errors[p.name] = coerceError(e).message;
      }
    }
    setFieldErrors(errors);
    setSaved(done);
    setBusy(false);
    if (done.length > 0) {
      setEdits((current) => Object.fromEntries(Object.entries(current).filter(([k]) => !done.includes(k))));
      properties.reload();
    }
    if (closeAfter && Object.keys(errors).length === 0) onClose();
  }

  return (
    <CatalogDialogFrame
      title="Catalog Properties - SSISDB"
      testId="properties-dialog"
      onClose={onClose}
      pages={[{ id: 'general', label: 'General' }]}
      page="general"
      actions={
        <>
          <Button onClick={onClose} data-testid="properties-cancel">
            Cancel
          </Button>
          <Button
            onClick={() => void apply(false)}
            disabled={busy || changed.length === 0}
            data-testid="properties-apply"
          >
            Apply
          </Button>
          <Button
            variant="contained"
            onClick={() => void apply(true)}
            disabled={busy}
            data-testid="properties-ok"
          >
            OK
          </Button>
        </>
      }
    >
      <ErrorAlert testId="properties-error" error={properties.error} />
      {properties.data === null && properties.loading && (
        <LoadingRow testId="properties-loading" what="properties" />
      )}
      {properties.data !== null && rows.length === 0 && (
        <EmptyRow testId="properties-empty">The catalog reports no properties.</EmptyRow>
      )}
      {saved.length > 0 && Object.keys(fieldErrors).length === 0 && (
        <Alert severity="success" sx={{ mb: 1 }} data-testid="properties-saved">
          Saved {saved.join(', ')}.
        </Alert>
      )}
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
        {rows.map((p) => (
          <TextField
            key={p.name}
            label={p.name}
            value={edits[p.name] ?? p.value}
            onChange={(e) => {
              const value = e.target.value;
              setEdits((current) => ({ ...current, [p.name]: value }));
              setFieldErrors(({ [p.name]: _dropped, ...rest }) => rest);
            }}
            error={fieldErrors[p.name] !== undefined}
            helperText={fieldErrors[p.name] ?? p.description}
            size="small"
            fullWidth
            slotProps={{
              htmlInput: { 'data-testid': `property-${p.name}` },
              formHelperText: { 'data-testid': `property-help-${p.name}` } as object,
            }}
          />
        ))}
      </Box>
    </CatalogDialogFrame>
  );
}
