import FilterAltOffIcon from '@mui/icons-material/FilterAltOff';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { createContext, useContext } from 'react';

/** What the empty grid says: whether filters hid everything, and how to clear them. */
export const NoExecutionsContext = createContext<{
  filtered: boolean;
  /** The page could not be loaded: the error above says why, so the grid does not claim it is empty. */
  failed: boolean;
  onClearFilters: () => void;
}>({ filtered: false, failed: false, onClearFilters: () => {} });

/** The All Executions grid's overlay when the page is empty. */
export function NoExecutionsOverlay() {
  const { filtered, failed, onClearFilters } = useContext(NoExecutionsContext);
  if (failed) return null;
  return (
    <Stack
      sx={{ height: '100%', alignItems: 'center', justifyContent: 'center', gap: 1 }}
      data-testid="executions-empty"
    >
      <Typography variant="body2" color="text.secondary">
        {filtered ? 'No executions match these filters' : 'No executions yet'}
      </Typography>
      {filtered && (
        <Button
          size="small"
          startIcon={<FilterAltOffIcon />}
          onClick={onClearFilters}
          data-testid="executions-empty-clear"
        >
          Clear filters
        </Button>
      )}
    </Stack>
  );
}
