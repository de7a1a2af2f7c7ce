import UndoIcon from '@mui/icons-material/Undo';
import Visibility from '@mui/icons-material/Visibility';
import VisibilityOff from '@mui/icons-material/VisibilityOff';
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import InputAdornment from '@mui/material/InputAdornment';
import { useState } from 'react';
import type { ParameterInfo } from '../../master-core/protocol/api';
import { parameterFieldKey } from '../state/executeRequest';
import type { FieldErrors, ParameterInput } from '../state/executeRequest';
import type { ExecuteTarget } from '../state/executeTargets';

interface ParametersTableProps {
  target: ExecuteTarget;
  values: Record<string, ParameterInput>;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (reference: string, input: ParameterInput | undefined) => void;
}

const NUMBER_TYPES = new Set(['Int32', 'Int64', 'Double']);

/** What runs when the input is left empty: the server value (Configure), else the design default. */
function defaultText(param: ParameterInfo): string {
  const server = param.serverValue;
  if (server?.kind === 'reference') return `Environment variable ${server.variableName}`;
  if (server?.kind === 'value')
    return `Server: ${param.sensitive || server.value === null ? '********' : String(server.value)}`;
  if (param.defaultValue === null) return param.sensitive ? '(hidden)' : '';
  return param.sensitive ? '********' : String(param.defaultValue);
}

/** A text input that hides its value (password) until the user asks to see it. */
export function SecretTextField({
  value,
  onChange,
  disabled,
  error,
  label,
  testId,
  placeholder,
}: {
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
  error: string | undefined;
  label: string;
  testId: string;
  placeholder?: string;
}) {
  const [shown, setShown] = useState(false);
  return (
    <TextField
      type={shown ? 'text' : 'password'}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      placeholder={placeholder}
      error={error !== undefined}
      helperText={error}
      fullWidth
      margin="none"
      autoComplete="new-password"
      slotProps={{
        htmlInput: { 'aria-label': label, 'data-testid': testId },
        input: {
          endAdornment: (
            <InputAdornment position="end">
              <IconButton
                size="small"
                onClick={() => setShown((s) => !s)}
                aria-label={shown ? `Hide ${label}` : `Show ${label}`}
                aria-pressed={shown}
                data-testid={`${testId}-show`}
              >
                {shown ? <VisibilityOff fontSize="inherit" /> : <Visibility fontSize="inherit" />}
              </IconButton>
            </InputAdornment>
          ),
        },
      }}
    />
  );
}

function defaultChecked(param: ParameterInfo): boolean {
  const value = param.defaultValue;
  return value === true || (typeof value === 'string' && /^(true|1|yes)$/i.test(value.trim())) || value === 1;
}

interface ParameterInputProps {
  target: ExecuteTarget;
  param: ParameterInfo;
  input: ParameterInput | undefined;
  error: string | undefined;
  disabled: boolean;
  onChange: (input: ParameterInput | undefined) => void;
}

/** The input for one parameter, by data type: checkbox, number or text (password when sensitive). */
function ParameterValueInput({ target, param, input, error, disabled, onChange }: ParameterInputProps) {
  const testId = `param-${target.key}-${param.reference}`;
  if (param.dataType === 'Boolean') {
    const overridden = typeof input === 'boolean';
    return (
      <Box>
        <Box sx={{ display: 'flex', alignItems: 'center' }}>
          <Checkbox
            checked={overridden ? input : defaultChecked(param)}
            disabled={disabled}
            onChange={(e) => onChange(e.target.checked)}
            slotProps={{ input: { 'aria-label': param.name, ...{ 'data-testid': testId } } }}
          />
          <Typography variant="caption" color="text.secondary">
            {overridden ? 'set' : 'default'}
          </Typography>
          {overridden && (
            <Tooltip title="Use the default">
              <IconButton
                onClick={() => onChange(undefined)}
                disabled={disabled}
                aria-label="Use the default"
              >
                <UndoIcon fontSize="inherit" />
              </IconButton>
            </Tooltip>
          )}
        </Box>
        {error && <FormHelperText error>{error}</FormHelperText>}
      </Box>
    );
  }
  const placeholder =
    param.dataType === 'DateTime'
      ? 'YYYY-MM-DDTHH:mm:ss'
      : param.defaultValue === null && param.serverValue === null
        ? ''
        : '(default)';
  if (param.sensitive) {
    return (
      <SecretTextField
        value={typeof input === 'string' ? input : ''}
        onChange={onChange}
        disabled={disabled}
        error={error}
        label={param.name}
        testId={testId}
        placeholder={placeholder}
      />
    );
  }
  const type = NUMBER_TYPES.has(param.dataType) ? 'number' : 'text';
  return (
    <TextField
      type={type}
      value={typeof input === 'string' ? input : ''}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      placeholder={placeholder}
      error={error !== undefined}
      helperText={error}
      fullWidth
      margin="none"
      autoComplete="off"
      slotProps={{
        htmlInput: {
          'aria-label': param.name,
          'data-testid': testId,
          ...(type === 'number' ? { step: 'any' } : {}),
          ...(param.dataType === 'Decimal' ? { inputMode: 'decimal' } : {}),
        },
      }}
    />
  );
}

/** A package's project and package parameters; an empty input means "use the default". */
export function ParametersTable({ target, values, errors, disabled, onChange }: ParametersTableProps) {
  const params = [...target.projectParameters, ...target.packageParameters];
  if (params.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ px: 1, py: 0.5 }}>
        This package has no parameters.
      </Typography>
    );
  }
  return (
    <Table data-testid={`parameters-${target.key}`}>
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Scope</TableCell>
          <TableCell>Type</TableCell>
          <TableCell sx={{ width: '40%' }}>Value</TableCell>
          <TableCell>Default</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {params.map((param) => (
          <TableRow key={param.reference}>
            <TableCell title={param.description || undefined}>
              {param.name}
              {param.required && (
                <Box
                  component="span"
                  sx={{ color: 'error.main', ml: 0.25 }}
                  title="Required"
                  aria-label="required"
                >
                  *
                </Box>
              )}
            </TableCell>
            <TableCell>{param.reference.startsWith('$Project::') ? 'Project' : 'Package'}</TableCell>
            <TableCell>
              {param.dataType}
              {param.sensitive ? ' (sensitive)' : ''}
            </TableCell>
            <TableCell>
              <ParameterValueInput
                target={target}
                param={param}
                input={values[param.reference]}
                error={errors[parameterFieldKey(target.key, param.reference)]}
                disabled={disabled}
                onChange={(input) => onChange(param.reference, input)}
              />
            </TableCell>
            <TableCell sx={{ color: 'text.secondary' }}>{defaultText(param)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
