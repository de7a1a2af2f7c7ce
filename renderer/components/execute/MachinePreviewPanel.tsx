import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useExecutionPreview } from '../../hooks/useExecutionPreview';
import { buildTargeting } from '../../state/executeRequest';
import type { ExecuteFormState } from '../../state/executeRequest';
import { previewRows, previewSummary } from '../../state/machinePreview';

/**
 * Which workers could take the executions now with this machine selection (execution.preview),
 * refreshed when the selection changes and when a worker changes.
 */
export function MachinePreviewPanel({ form }: { form: ExecuteFormState }) {
  const built = buildTargeting(form);
  const { preview, error, loading } = useExecutionPreview('targeting' in built ? built.targeting : null);
  if (!('targeting' in built)) return null;
  return (
    <Box sx={{ mt: 1 }} data-testid="machine-preview" aria-live="polite">
      {loading && <LinearProgress sx={{ mb: 0.5 }} aria-label="Checking workers" />}
      {error && (
        <Alert severity="error" data-testid="machine-preview-error">
          {`Could not check the workers: ${error}`}
        </Alert>
      )}
      {preview && (
        <>
          <Typography
            variant="body2"
            data-testid="machine-preview-summary"
            sx={{ color: preview.eligibleWorkers > 0 ? 'success.main' : 'warning.main', fontWeight: 500 }}
          >
            {previewSummary(preview)}
          </Typography>
          {preview.workers.length > 0 && (
            <List dense disablePadding sx={{ maxHeight: 160, overflow: 'auto' }}>
              {previewRows(preview).map((w) => (
                <ListItem key={w.name} disableGutters data-testid={`machine-preview-${w.name}`}>
                  <ListItemText
                    primary={`${w.name}: ${w.eligible ? 'eligible' : 'not eligible'}`}
                    secondary={w.eligible ? w.state : w.reason}
                    slotProps={{
                      primary: { variant: 'body2', color: w.eligible ? 'text.primary' : 'text.secondary' },
                    }}
                  />
                </ListItem>
              ))}
            </List>
          )}
        </>
      )}
    </Box>
  );
}
