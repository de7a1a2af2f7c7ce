import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ExecutionParameterRow } from '../../../master-core/protocol/api';
import type { ExecutionParameters as Loaded } from '../../hooks/useExecutionParameters';

const SCOPES: Record<number, string> = { 20: 'Project', 30: 'Package', 50: 'System' };

/** Where a value came from, as the operator reads it. */
const SOURCES: Record<string, string> = {
  execution: 'Set at execution',
  server: 'Server value (Configure)',
  environment: 'Environment variable',
  default: 'Design default',
  system: 'System',
};

export const MASKED_VALUE = '••••••••';

function valueText(p: ExecutionParameterRow): string {
  if (p.sensitive) return MASKED_VALUE;
  if (p.value === null) return 'NULL';
  return String(p.value);
}

/** The parameter values an execution runs with: name, value (sensitive ones masked), source. */
export function ExecutionParameters({ executionId, state }: { executionId: number; state: Loaded }) {
  const { parameters, loaded, error } = state;
  return (
    <Box sx={{ height: '100%', overflow: 'auto', px: 1 }} data-testid={`parameters-${executionId}`}>
      {error && (
        <Alert severity="error" sx={{ my: 1 }}>
          {`Parameters could not be loaded: ${error}`}
        </Alert>
      )}
      {!loaded && (
        <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
          Loading parameters…
        </Typography>
      )}
      {loaded && !error && parameters.length === 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
          This execution has no parameter values.
        </Typography>
      )}
      {parameters.length > 0 && (
        <Table size="small" stickyHeader aria-label={`Parameters of execution ${executionId}`}>
          <TableHead>
            <TableRow>
              <TableCell>Scope</TableCell>
              <TableCell>Name</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Value</TableCell>
              <TableCell>Source</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {parameters.map((p) => (
              <TableRow key={`${p.objectType}:${p.name}`} data-testid={`parameter-${p.objectType}-${p.name}`}>
                <TableCell>{SCOPES[p.objectType] ?? String(p.objectType)}</TableCell>
                <TableCell>{p.name}</TableCell>
                <TableCell>{p.dataType}</TableCell>
                <TableCell
                  sx={{ fontFamily: 'monospace', wordBreak: 'break-word' }}
                  title={p.sensitive ? 'Sensitive: the value is never shown' : undefined}
                >
                  {valueText(p)}
                  {p.sensitive && (
                    <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                      (sensitive)
                    </Typography>
                  )}
                </TableCell>
                <TableCell>{SOURCES[p.source] ?? p.source}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
