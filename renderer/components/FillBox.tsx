import Box from '@mui/material/Box';
import type { ReactNode } from 'react';

/** Gives a DataGrid the exact size of the space left in a flex column. */
export function FillBox({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <Box sx={{ flex: 1, minHeight: 0, position: 'relative' }} data-testid={testId}>
      <Box sx={{ position: 'absolute', inset: 0 }}>{children}</Box>
    </Box>
  );
}
