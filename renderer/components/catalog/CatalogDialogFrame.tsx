import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

export interface DialogPage {
  id: string;
  label: string;
}

interface CatalogDialogFrameProps {
  title: string;
  /** data-testid of the dialog; pages get `<testId>-page-<id>`. */
  testId: string;
  onClose: () => void;
  /** SSMS's "Select a page" list; omitted for one-page dialogs. */
  pages?: readonly DialogPage[];
  page?: string;
  onPage?: (id: string) => void;
  actions: ReactNode;
  children: ReactNode;
  maxWidth?: 'sm' | 'md' | 'lg';
}

/** An SSMS-style dialog: title, pages listed on the left (arrow keys move between them), buttons below. */
export function CatalogDialogFrame({
  title,
  testId,
  onClose,
  pages,
  page,
  onPage,
  actions,
  children,
  maxWidth = 'md',
}: CatalogDialogFrameProps) {
  const titleId = `${testId}-title`;
  return (
    <Dialog
      open
      onClose={onClose}
      fullWidth
      maxWidth={maxWidth}
      aria-labelledby={titleId}
      data-testid={testId}
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent dividers sx={{ display: 'flex', gap: 2, minHeight: 280, p: pages ? 0 : undefined }}>
        {pages && (
          <>
            <Box sx={{ width: 170, flexShrink: 0, pt: 1 }}>
              <Typography variant="caption" color="text.secondary" sx={{ px: 2 }}>
                Select a page
              </Typography>
              <Tabs
                orientation="vertical"
                value={page}
                onChange={(_e, id: string) => onPage?.(id)}
                aria-label="Pages"
              >
                {pages.map((p) => (
                  <Tab
                    key={p.id}
                    value={p.id}
                    label={p.label}
                    data-testid={`${testId}-page-${p.id}`}
                    sx={{ alignItems: 'flex-start', textTransform: 'none', minHeight: 36 }}
                  />
                ))}
              </Tabs>
            </Box>
            <Divider orientation="vertical" flexItem />
          </>
        )}
        <Box sx={{ flex: 1, minWidth: 0, py: pages ? 2 : 0, pr: pages ? 2 : 0 }}>{children}</Box>
      </DialogContent>
      <DialogActions>{actions}</DialogActions>
    </Dialog>
  );
}

/** Shown while a dialog's data loads. */
export function LoadingRow({ testId, what }: { testId: string; what: string }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, py: 2 }} data-testid={testId} role="status">
      <CircularProgress size={18} />
      <Typography variant="body2" color="text.secondary">
        Loading {what}...
      </Typography>
    </Box>
  );
}

/** An API error, shown as the master worded it (as text, never markup). */
export function ErrorAlert({ testId, error }: { testId: string; error: string | null }) {
  if (error === null) return null;
  return (
    <Alert severity="error" sx={{ my: 1, whiteSpace: 'pre-wrap' }} data-testid={testId}>
      {error}
    </Alert>
  );
}

/** Shown when a list has nothing in it. */
export function EmptyRow({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <Typography variant="body2" color="text.secondary" sx={{ py: 2 }} data-testid={testId}>
      {children}
    </Typography>
  );
}
