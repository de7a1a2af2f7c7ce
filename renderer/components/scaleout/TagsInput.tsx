import Autocomplete from '@mui/material/Autocomplete';
import Chip from '@mui/material/Chip';
import TextField from '@mui/material/TextField';

interface TagsInputProps {
  label: string;
  tags: string[];
  /** Tags other workers carry, offered as suggestions. */
  suggestions: readonly string[];
  /** What is typed but not yet a chip (Enter or comma makes it one; saving takes it too). */
  pending: string;
  onChange: (tags: string[]) => void;
  onPendingChange: (text: string) => void;
  error?: string;
  testId: string;
}

/** Tags as chips: type a tag and press Enter; pick a known one from the list. */
export function TagsInput({
  label,
  tags,
  suggestions,
  pending,
  onChange,
  onPendingChange,
  error,
  testId,
}: TagsInputProps) {
  return (
    <Autocomplete
      multiple
      freeSolo
      options={suggestions.filter((s) => !tags.includes(s))}
      value={tags}
      inputValue={pending}
      onInputChange={(_e, text, reason) => {
        if (reason === 'reset') return onPendingChange('');
        // A comma ends a tag, as in most tag fields.
        if (text.includes(',')) {
          const parts = text.split(',');
          const done = parts
            .slice(0, -1)
            .map((t) => t.trim())
            .filter(Boolean);
          onChange([...tags, ...done.filter((t) => !tags.includes(t))]);
          return onPendingChange(parts[parts.length - 1] ?? '');
        }
        onPendingChange(text);
      }}
      onChange={(_e, value) => onChange(value.map((v) => v.trim()).filter(Boolean))}
      renderValue={(value, getItemProps) =>
        value.map((tag, index) => {
          const { key, ...itemProps } = getItemProps({ index });
          return <Chip key={key} label={tag} size="small" {...itemProps} />;
        })
      }
      renderInput={(params) => (
        <TextField
          {...params}
          label={label}
          error={Boolean(error)}
          helperText={error ?? 'Press Enter after each tag'}
          slotProps={{
            ...params.slotProps,
            htmlInput: { ...params.slotProps.htmlInput, 'data-testid': testId },
          }}
        />
      )}
    />
  );
}
