import TextField from '@mui/material/TextField';
import type { ParameterDataType } from '../../../master-core/protocol/packageFormat';

interface TypedValueInputProps {
  dataType: ParameterDataType;
  sensitive: boolean;
  label: string;
  value: string;
  onChange: (text: string) => void;
  error: string | null;
  testId: string;
}

const PLACEHOLDERS: Partial<Record<ParameterDataType, string>> = {
  DateTime: 'YYYY-MM-DDTHH:mm:ss',
  Decimal: '12.50',
  Int32: 'whole number',
  Int64: 'whole number',
  Double: 'number',
};

/** A value of a data type: true/false for Boolean, masked text when sensitive, text otherwise. */
export function TypedValueInput({
  dataType,
  sensitive,
  label,
  value,
  onChange,
  error,
  testId,
}: TypedValueInputProps) {
  if (dataType === 'Boolean') {
    return (
      <TextField
        select
        label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={error !== null}
        helperText={error}
        size="small"
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': testId } }}
      >
        <option value="">(choose)</option>
        <option value="true">True</option>
        <option value="false">False</option>
      </TextField>
    );
  }
  return (
    <TextField
      label={label}
      type={sensitive ? 'password' : 'text'}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error !== null}
      helperText={error}
      placeholder={PLACEHOLDERS[dataType]}
      size="small"
      fullWidth
      autoComplete={sensitive ? 'new-password' : 'off'}
      slotProps={{ htmlInput: { 'data-testid': testId } }}
    />
  );
}
