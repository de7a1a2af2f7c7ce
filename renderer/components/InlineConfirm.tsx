import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';

/** A question and Cancel / a red confirm button, in place of a table row's actions. */
export function InlineConfirm(props: {
  question: string;
  confirmLabel: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  testId: string;
}) {
  return (
    <>
      <Typography variant="caption" sx={{ mr: 1 }}>
        {props.question}
      </Typography>
      <Button size="small" onClick={props.onCancel}>
        Cancel
      </Button>
      <Button
        size="small"
        color="error"
        disabled={props.busy}
        onClick={props.onConfirm}
        data-testid={props.testId}
      >
        {props.confirmLabel}
      </Button>
    </>
  );
}
