import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiInput, ApiOutput } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import type { ParameterDataType } from '../../../master-core/protocol/packageFormat';
import { useApi } from '../../hooks/useApi';
import { editText, parseTypedValue, valueText } from '../../state/typedValue';
import { CatalogDialogFrame, ErrorAlert } from './CatalogDialogFrame';
import { TypedValueInput } from './TypedValueInput';

type Parameter = ApiOutput<'project.parameters'>['parameters'][number];

/** A variable of an environment the project references. */
export interface ReferencedVariable {
  name: string;
  dataType: ParameterDataType;
  /** "folder/environment". */
  environment: string;
}

type Mode = 'value' | 'default' | 'variable';

interface SetParameterValueDialogProps {
  folderName: string;
  projectName: string;
  parameter: Parameter;
  variables: readonly ReferencedVariable[];
  onClose: () => void;
  onSaved: () => void;
}

/** SSIS's "Set Parameter Value": edit the value, use the design default, or use an environment variable. */
export function SetParameterValueDialog({
  folderName,
  projectName,
  parameter,
  variables,
  onClose,
  onSaved,
}: SetParameterValueDialogProps) {
  const client = useApi();
  const sv = parameter.serverValue;
  const [mode, setMode] = useState<Mode>(
    sv === null ? 'default' : sv.kind === 'reference' ? 'variable' : 'value',
  );
  const [text, setText] = useState(sv?.kind === 'value' ? editText(sv.value, parameter.sensitive) : '');
  const variableNames = [...new Set(variables.map((v) => v.name))].sort();
  const [variable, setVariable] = useState(sv?.kind === 'reference' ? sv.variableName : '');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save() {
    const input: ApiInput<'project.configure'> = {
      folderName,
      projectName,
      reference: parameter.reference,
      ...(parameter.objectType === 30 ? { packageName: parameter.objectName } : {}),
    };
    if (mode === 'value') {
      if (parameter.sensitive && text === '') {
        setFieldError(`${parameter.name}: type the value (sensitive values are never shown)`);
        return;
      }
      const parsed = parseTypedValue(parameter.dataType, text, parameter.name);
      if (!parsed.ok) {
        setFieldError(parsed.error);
        return;
      }
      input.value = parsed.value;
    } else if (mode === 'variable') {
      if (variable === '') {
        setFieldError('Choose the environment variable to use.');
        return;
      }
      input.referencedVariable = variable;
    }
    setFieldError(null);
    setError(null);
    setBusy(true);
    try {
      await client.call('project.configure', input);
      onSaved();
    } catch (e) {
      setError(coerceError(e).message);
      setBusy(false);
    }
  }

  const where = parameter.objectType === 20 ? 'project' : `package ${parameter.objectName}`;
  return (
    <CatalogDialogFrame
      title={`Set Parameter Value - ${parameter.name}`}
      testId="parameter-value-dialog"
      onClose={onClose}
      maxWidth="sm"
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="contained"
            disabled={busy}
            onClick={() => void save()}
            data-testid="parameter-value-ok"
          >
            OK
          </Button>
        </>
      }
    >
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {parameter.reference} of the {where} ({parameter.dataType}
        {parameter.sensitive ? ', sensitive' : ''}). Design default:{' '}
        {valueText(parameter.defaultValue, parameter.sensitive)}
      </Typography>
      <RadioGroup
        value={mode}
        onChange={(e) => {
          setMode(e.target.value as Mode);
          setFieldError(null);
        }}
      >
        <FormControlLabel
          value="value"
          control={
            <Radio
              slotProps={{
                input: { 'aria-label': 'Edit value', ...{ 'data-testid': 'parameter-mode-value' } },
              }}
            />
          }
          label="Edit value"
        />
        {mode === 'value' && (
          <TypedValueInput
            dataType={parameter.dataType}
            sensitive={parameter.sensitive}
            label="Value"
            value={text}
            onChange={setText}
            error={fieldError}
            testId="parameter-value-input"
          />
        )}
        <FormControlLabel
          value="default"
          control={
            <Radio
              slotProps={{
                input: {
                  'aria-label': 'Use the design default',
                  ...{ 'data-testid': 'parameter-mode-default' },
                },
              }}
            />
          }
          label="Use the design default (clear the server value)"
        />
        <FormControlLabel
          value="variable"
          control={
            <Radio
              slotProps={{
                input: {
                  'aria-label': 'Use environment variable',
                  ...{ 'data-testid': 'parameter-mode-variable' },
                },
              }}
            />
          }
          label="Use environment variable"
        />
        {mode === 'variable' &&
          (variableNames.length === 0 ? (
            <Typography variant="body2" color="text.secondary" data-testid="parameter-no-variables">
              The environments this project references have no variables. Add a reference on the References
              page.
            </Typography>
          ) : (
            <TextField
              select
              label="Environment variable"
              value={variable}
              onChange={(e) => {
                setVariable(e.target.value);
                setFieldError(null);
              }}
              error={fieldError !== null}
              helperText={fieldError}
              size="small"
              slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'parameter-variable' } }}
            >
              <option value="">(choose)</option>
              {variableNames.map((name) => (
                <option key={name} value={name}>
                  {name} (
                  {variables
                    .filter((v) => v.name === name)
                    .map((v) => `${v.dataType} in ${v.environment}`)
                    .join('; ')}
                  )
                </option>
              ))}
            </TextField>
          ))}
      </RadioGroup>
      <ErrorAlert testId="parameter-value-error" error={error} />
    </CatalogDialogFrame>
  );
}
