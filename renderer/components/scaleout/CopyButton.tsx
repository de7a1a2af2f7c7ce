import CheckIcon from '@mui/icons-material/Check';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import { useEffect, useState } from 'react';
import { coerceError } from '../../../master-core/protocol/errors';

interface CopyButtonProps {
  text: string;
  /** What is copied, for the tooltip and screen readers ("Copy the install command"). */
  label: string;
  testId: string;
}

/** Copies `text` to the clipboard; says so, or says why not (then the text can be selected by hand). */
export function CopyButton({ text, label, testId }: CopyButtonProps) {
  const [outcome, setOutcome] = useState<{ ok: true } | { ok: false; error: string } | null>(null);
  const [hover, setHover] = useState(false);
  useEffect(() => {
    if (outcome?.ok !== true) return;
    const timer = setTimeout(() => setOutcome(null), 2000);
    return () => clearTimeout(timer);
  }, [outcome]);

  const copy = () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard) {
      setOutcome({ ok: false, error: 'No clipboard here: select the text and copy it' });
      return;
    }
    clipboard.writeText(text).then(
      () => setOutcome({ ok: true }),
      (error: unknown) =>
        setOutcome({
          ok: false,
          error: `Could not copy (${coerceError(error).message}): select the text and copy it`,
        }),
    );
  };

  const title = outcome === null ? label : outcome.ok ? 'Copied' : outcome.error;
  return (
    <Tooltip
      title={title}
      open={hover || outcome !== null}
      onOpen={() => setHover(true)}
      onClose={() => setHover(false)}
      arrow
    >
      <IconButton onClick={copy} aria-label={label} data-testid={testId} data-copied={outcome?.ok === true}>
        {outcome?.ok ? <CheckIcon fontSize="small" color="success" /> : <ContentCopyIcon fontSize="small" />}
      </IconButton>
    </Tooltip>
  );
}
