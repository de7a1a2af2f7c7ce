import RefreshIcon from '@mui/icons-material/Refresh';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { FolderInfo, FolderPermissionRow, UserRow } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import { useApiQuery } from '../../hooks/useApiQuery';
import { nextPermission } from '../../state/securityForms';
import type { PermissionBits } from '../../state/securityForms';
import { EmptyRow, ErrorAlert, LoadingRow } from '../catalog/CatalogDialogFrame';

const BITS: readonly { key: keyof PermissionBits; label: string }[] = [
  { key: 'read', label: 'Read' },
  { key: 'execute', label: 'Execute' },
  { key: 'modify', label: 'Modify' },
];
const NONE: PermissionBits = { read: false, execute: false, modify: false };

/** What a user's role gives on every folder, whatever the folder's entry says. */
function fromRole(role: UserRow['role']): PermissionBits {
  if (role === 'admin') return { read: true, execute: true, modify: true };
  if (role === 'executor') return { read: true, execute: true, modify: false };
  // A viewer sees only the folders it is granted (the master filters the catalog and events).
  return NONE;
}

/**
 * SSISDB-style object permissions on one folder (and everything in it): for each user, Read,
 * Execute and Modify. What the role already gives shows ticked and cannot be cleared here.
 */
export function FolderPermissionsPanel({ folders }: { folders: readonly FolderInfo[] }) {
  const client = useApi();
  const names = folders.map((f) => f.name);
  const [chosen, setChosen] = useState('');
  const folderName = names.includes(chosen) ? chosen : (names[0] ?? '');
  const users = useApiQuery('permission-users', async (c) => (await c.call('user.list', {})).users);
  const permissions = useApiQuery(`permissions:${folderName}`, async (c) =>
    folderName ? (await c.call('permission.list', { folderName })).permissions : [],
  );
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const entryOf = (userName: string): PermissionBits => {
    const row = (permissions.data ?? []).find((p: FolderPermissionRow) => p.userName === userName);
    return row ? { read: row.read, execute: row.execute, modify: row.modify } : NONE;
  };

  const toggle = (userName: string, which: keyof PermissionBits, checked: boolean) => {
    const next = nextPermission(entryOf(userName), which, checked);
    setSaving(userName);
    setError(null);
    client.call('permission.set', { folderName, userName, ...next }).then(
      () => {
        setSaving(null);
        permissions.reload();
      },
      (e: unknown) => {
        setSaving(null);
        setError(`${userName} on ${folderName}: ${coerceError(e).message}`);
      },
    );
  };

  const userRows = users.data ?? [];
  const loading =
    (users.loading && users.data === null) || (permissions.loading && permissions.data === null);
  return (
    <Box sx={{ p: 1, overflow: 'auto', height: '100%' }} data-testid="security-permissions">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          Folder permissions
          <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
            on the folder and everything in it; Execute and Modify need Read
          </Typography>
        </Typography>
        <TextField
          select
          size="small"
          label="Folder"
          value={folderName}
          onChange={(e) => setChosen(e.target.value)}
          disabled={names.length === 0}
          sx={{ minWidth: 200 }}
          slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'permissions-folder' } as object } }}
        >
          {names.map((n) => (
            <MenuItem key={n} value={n} data-testid={`permissions-folder-${n}`}>
              {n}
            </MenuItem>
          ))}
        </TextField>
        <Button
          startIcon={<RefreshIcon />}
          onClick={() => {
            users.reload();
            permissions.reload();
          }}
          data-testid="permissions-refresh"
        >
          Refresh
        </Button>
      </Box>
      <ErrorAlert testId="permissions-action-error" error={error} />
      <ErrorAlert testId="permissions-error" error={users.error ?? permissions.error} />
      {names.length === 0 ? (
        <EmptyRow testId="permissions-no-folders">
          No folders yet: create one in the Object Explorer.
        </EmptyRow>
      ) : loading ? (
        <LoadingRow testId="permissions-loading" what="permissions" />
      ) : userRows.length === 0 ? (
        <EmptyRow testId="permissions-empty">No users yet: add them under Users.</EmptyRow>
      ) : (
        <Table size="small" data-testid="permissions-table">
          <TableHead>
            <TableRow>
              <TableCell>User</TableCell>
              <TableCell>Role</TableCell>
              {BITS.map((b) => (
                <TableCell key={b.key} align="center">
                  {b.label}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {userRows.map((u) => {
              const entry = entryOf(u.userName);
              const role = fromRole(u.role);
              return (
                <TableRow key={u.userName} data-testid={`permission-row-${u.userName}`}>
                  <TableCell>{u.userName}</TableCell>
                  <TableCell>{u.role}</TableCell>
                  {BITS.map((b) => (
                    <TableCell key={b.key} align="center">
                      <Checkbox
                        size="small"
                        checked={entry[b.key] || role[b.key]}
                        disabled={role[b.key] || saving === u.userName}
                        title={role[b.key] ? `Given by the ${u.role} role` : undefined}
                        onChange={(e) => toggle(u.userName, b.key, e.target.checked)}
                        slotProps={{
                          input: {
                            'aria-label': `${b.label} on ${folderName} for ${u.userName}`,
                            'data-testid': `permission-${b.key}-${u.userName}`,
                          } as object,
                        }}
                      />
                    </TableCell>
                  ))}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
