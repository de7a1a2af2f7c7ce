import RefreshIcon from '@mui/icons-material/Refresh';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { DataGrid } from '@mui/x-data-grid';
import type { DataGridProps, GridValidRowModel } from '@mui/x-data-grid';
import type { ReactNode } from 'react';
import { FillBox } from './FillBox';

export interface GridPanelProps<R extends GridValidRowModel> {
  title: string;
  subtitle: string;
  /** Prefix of the panel's data-testids: <id>-grid, <id>-refresh, <id>-error. */
  testId: string;
  error: string | null;
  loaded: boolean;
  onReload: () => void;
  grid: Omit<DataGridProps<R>, 'loading'>;
  /** Buttons beside Refresh (e.g. Stop for a selection). */
  actions?: ReactNode;
  /** Shown between the title bar and the grid (e.g. a filter bar). */
  toolbar?: ReactNode;
}

/** A document tab's live list: a title bar with Refresh, an error line, and a compact grid. */
export function GridPanel<R extends GridValidRowModel>({
  title,
  subtitle,
  testId,
  error,
  loaded,
  onReload,
  grid,
  actions,
  toolbar,
}: GridPanelProps<R>) {
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1, py: 0.5 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          {title}
          <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
            {subtitle}
          </Typography>
        </Typography>
        {actions}
        <Button startIcon={<RefreshIcon />} onClick={onReload} data-testid={`${testId}-refresh`}>
          Refresh
        </Button>
      </Box>
      {toolbar}
      {error && (
        <Alert severity="error" sx={{ mx: 1, mb: 1 }} data-testid={`${testId}-error`}>
          {error}
        </Alert>
      )}
      <FillBox testId={`${testId}-grid`}>
        <DataGrid
          loading={!loaded}
          density="compact"
          initialState={{ pagination: { paginationModel: { pageSize: 100 } } }}
          pageSizeOptions={[25, 50, 100]}
          disableRowSelectionOnClick
          sx={{ border: 0, bgcolor: 'background.paper' }}
          {...grid}
        />
      </FillBox>
    </Box>
  );
}
