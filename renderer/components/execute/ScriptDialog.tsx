import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { useState } from 'react';

interface ScriptDialogProps {
  cli: string;
  http: string;
  onClose: () => void;
}

function ScriptBlock({ title, text, testId }: { title: string; text: string; testId: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <Box sx={{ mb: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 0.5 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          {title}
        </Typography>
        {copied && (
          <Typography
            variant="caption"
            color={copied === 'yes' ? 'success.main' : 'error.main'}
            sx={{ mr: 1 }}
            role="status"
          >
            {copied === 'yes' ? 'Copied' : 'Could not copy: select the text and copy it'}
          </Typography>
        )}
        <Button
          size="small"
          startIcon={<ContentCopyIcon />}
          onClick={() => void copy()}
          data-testid={`${testId}-copy`}
        >
          Copy
        </Button>
      </Box>
      <Box
        component="pre"
        tabIndex={0}
        data-testid={testId}
        sx={{
          m: 0,
          p: 1,
          maxHeight: 260,
          overflow: 'auto',
          bgcolor: 'action.hover',
          color: 'text.primary',
          border: 1,
          borderColor: 'divider',
          borderRadius: 1,
          fontFamily: 'monospace',
          fontSize: 12,
          whiteSpace: 'pre',
        }}
      >
        {text}
      </Box>
    </Box>
  );
}

/** The Execute dialog's Script: the same executions as scaleout commands and as HTTP calls. */
export function ScriptDialog({ cli, http, onClose }: ScriptDialogProps) {
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth data-testid="execute-script-dialog">
      <DialogTitle>Script</DialogTitle>
      <DialogContent dividers>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Sensitive values are never shown here: the commands read them from shell variables, the HTTP bodies
          carry placeholders.
        </Typography>
        <ScriptBlock title="scaleout CLI" text={cli} testId="script-cli" />
        <ScriptBlock title="HTTP (curl)" text={http} testId="script-http" />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} data-testid="script-close">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
