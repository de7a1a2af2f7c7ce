import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { connectionProperties, overrideKey } from '../../../master-core/protocol/connectionOverrides';
import type { ConnectionPropertyInfo } from '../../../master-core/protocol/connectionOverrides';
import { connectionFieldKey } from '../../state/executeRequest';
import type { FieldErrors } from '../../state/executeRequest';
import { connectionManagersOf } from '../../state/executeTargets';
import type { ExecuteTarget } from '../../state/executeTargets';
import { SecretTextField } from '../ParametersTable';

interface ConnectionManagersTableProps {
  target: ExecuteTarget;
  /** "CM.<Manager>.<Property>" -> text */
  values: Record<string, string>;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (key: string, text: string) => void;
}

interface ValueInputProps {
  property: ConnectionPropertyInfo;
  label: string;
  testId: string;
  value: string;
  error: string | undefined;
  disabled: boolean;
  onChange: (text: string) => void;
}

/** The input for one property: a list for Boolean and enumerations, masked text for a Password. */
function OverrideInput({ property, label, testId, value, error, disabled, onChange }: ValueInputProps) {
  const choices = property.dataType === 'Boolean' ? ['true', 'false'] : property.values;
  if (choices) {
    return (
      <TextField
        select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        error={error !== undefined}
        helperText={error}
        fullWidth
        margin="none"
        slotProps={{
          select: { displayEmpty: true },
          htmlInput: { 'aria-label': label, 'data-testid': testId },
        }}
      >
        <MenuItem value="">
          <em>Package value</em>
        </MenuItem>
        {choices.map((c) => (
          <MenuItem key={c} value={c}>
            {c}
          </MenuItem>
        ))}
      </TextField>
    );
  }
  if (property.sensitive) {
    return (
      <SecretTextField
        value={value}
        onChange={onChange}
        disabled={disabled}
        error={error}
        label={label}
        testId={testId}
        placeholder="(package value)"
      />
    );
  }
  return (
    <TextField
      value={value}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      placeholder="(package value)"
      error={error !== undefined}
      helperText={error}
      fullWidth
      margin="none"
      autoComplete="off"
      slotProps={{
        htmlInput: {
          'aria-label': label,
          'data-testid': testId,
          ...(property.dataType === 'Int32' ? { inputMode: 'numeric' } : {}),
        },
      }}
    />
  );
}

/**
 * SSIS's Connection Managers page: the properties of the package's and its project's connection
 * managers that this execution may override (sent as CM.<Manager>.<Property>). Empty keeps the
 * package's value; property expressions still apply after an override.
 */
export function ConnectionManagersTable({
  target,
  values,
  errors,
  disabled,
  onChange,
}: ConnectionManagersTableProps) {
  const managers = connectionManagersOf(target);
  if (managers.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ px: 1, py: 0.5 }}>
        This package and its project have no connection managers.
      </Typography>
    );
  }
  return (
    <Table data-testid={`connections-${target.key}`}>
      <TableHead>
        <TableRow>
          <TableCell>Connection manager</TableCell>
          <TableCell>Scope</TableCell>
          <TableCell>Property</TableCell>
          <TableCell sx={{ width: '45%' }}>Value</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {managers.flatMap((cm) =>
          connectionProperties(cm.type).map((property, i) => {
            const key = overrideKey(cm.name, property.name);
            return (
              <TableRow key={key}>
                <TableCell title={cm.description || undefined}>
                  {i === 0 ? `${cm.name} (${cm.type})` : ''}
                </TableCell>
                <TableCell>{i === 0 ? cm.scope : ''}</TableCell>
                <TableCell title={property.description}>{property.name}</TableCell>
                <TableCell>
                  <OverrideInput
                    property={property}
                    label={key}
                    testId={`cm-${target.key}-${key}`}
                    value={values[key] ?? ''}
                    error={errors[connectionFieldKey(target.key, key)]}
                    disabled={disabled}
                    onChange={(text) => onChange(key, text)}
                  />
                </TableCell>
              </TableRow>
            );
          }),
        )}
      </TableBody>
    </Table>
  );
}
