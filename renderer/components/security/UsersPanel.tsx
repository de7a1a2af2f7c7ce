import AddIcon from '@mui/icons-material/Add';
import RefreshIcon from '@mui/icons-material/Refresh';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { UserRow } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import { useApiQuery } from '../../hooks/useApiQuery';
import { formatTime } from '../../state/displayFormat';
import { ROLES } from '../../state/securityForms';
import type { Role } from '../../state/securityForms';
import { EmptyRow, ErrorAlert, LoadingRow } from '../catalog/CatalogDialogFrame';
import { ConfirmDialog } from '../catalog/ConfirmDialog';
import { CreateUserDialog, ResetPasswordDialog } from './UserDialogs';

type Pending = { kind: 'password' | 'delete'; userName: string } | { kind: 'create' } | null;

/** Users of the master: create, change role, disable or enable, reset the password, delete. */
export function UsersPanel({ currentUser }: { currentUser: string | null }) {
  const client = useApi();
  const users = useApiQuery('users', async (c) => (await c.call('user.list', {})).users);
  const [pending, setPending] = useState<Pending>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const update = (userName: string, change: { role?: Role; disabled?: boolean }, done: string) => {
    setActionError(null);
    setNotice(null);
    client.call('user.update', { userName, ...change }).then(
      () => {
        setNotice(done);
        users.reload();
      },
      (e: unknown) => setActionError(`${userName}: ${coerceError(e).message}`),
    );
  };
  const closeWith = (text: string) => {
    setPending(null);
    setNotice(text);
    users.reload();
  };

  const rows = users.data ?? [];
  return (
    <Box sx={{ p: 1, overflow: 'auto', height: '100%' }} data-testid="security-users">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          Users
          <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
            the master&apos;s own console token is an admin without a user
          </Typography>
        </Typography>
        <Button startIcon={<RefreshIcon />} onClick={users.reload} data-testid="users-refresh">
          Refresh
        </Button>
        <Button
          variant="contained"
          startIcon={<AddIcon />}
          onClick={() => setPending({ kind: 'create' })}
          data-testid="users-create"
        >
          New user
        </Button>
      </Box>
      {notice && (
        <Alert severity="success" onClose={() => setNotice(null)} sx={{ my: 1 }} data-testid="users-notice">
          {notice}
        </Alert>
      )}
      <ErrorAlert testId="users-action-error" error={actionError} />
      <ErrorAlert testId="users-error" error={users.error} />
      {users.loading && users.data === null && <LoadingRow testId="users-loading" what="users" />}
      {users.data !== null && rows.length === 0 && (
        <EmptyRow testId="users-empty">No users yet: New user adds one.</EmptyRow>
      )}
      {rows.length > 0 && (
        <Table size="small" data-testid="users-table">
          <TableHead>
            <TableRow>
              <TableCell>User</TableCell>
              <TableCell>Role</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Description</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>Last sign-in</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((u) => (
              <TableRow key={u.userName} data-testid={`user-row-${u.userName}`}>
                <TableCell>
                  {u.userName}
                  {u.userName === currentUser ? ' (you)' : ''}
                </TableCell>
                <TableCell>
                  <Select
                    size="small"
                    variant="standard"
                    value={u.role}
                    onChange={(e) =>
                      update(
                        u.userName,
                        { role: e.target.value as Role },
                        `${u.userName} is now ${e.target.value}`,
                      )
                    }
                    inputProps={{ 'aria-label': `Role of ${u.userName}` }}
                    SelectDisplayProps={{ 'data-testid': `user-role-${u.userName}` } as object}
                  >
                    {ROLES.map((r) => (
                      <MenuItem key={r.value} value={r.value} data-testid={`role-option-${r.value}`}>
                        {r.label}
                      </MenuItem>
                    ))}
                  </Select>
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={u.disabled ? 'Disabled' : 'Enabled'}
                    color={u.disabled ? 'warning' : 'success'}
                    variant="outlined"
                    data-testid={`user-state-${u.userName}`}
                  />
                </TableCell>
                <TableCell>{u.description}</TableCell>
                <TableCell>{formatTime(u.createdAt)}</TableCell>
                <TableCell>{u.lastLoginAt ? formatTime(u.lastLoginAt) : 'never'}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  <Button
                    size="small"
                    onClick={() =>
                      update(
                        u.userName,
                        { disabled: !u.disabled },
                        u.disabled
                          ? `${u.userName} enabled`
                          : `${u.userName} disabled: their sessions and tokens stop working`,
                      )
                    }
                    data-testid={`user-${u.disabled ? 'enable' : 'disable'}-${u.userName}`}
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </Button>
                  <Button
                    size="small"
                    onClick={() => setPending({ kind: 'password', userName: u.userName })}
                    data-testid={`user-password-${u.userName}`}
                  >
                    Reset password
                  </Button>
                  <Button
                    size="small"
                    color="error"
                    onClick={() => setPending({ kind: 'delete', userName: u.userName })}
                    data-testid={`user-delete-${u.userName}`}
                  >
                    Delete
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {pending?.kind === 'create' && (
        <CreateUserDialog
          onClose={() => setPending(null)}
          onCreated={(user: UserRow) => closeWith(`User ${user.userName} created (${user.role})`)}
        />
      )}
      {pending?.kind === 'password' && (
        <ResetPasswordDialog
          userName={pending.userName}
          onClose={() => setPending(null)}
          onDone={() => closeWith(`Password of ${pending.userName} reset`)}
        />
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete User"
          question={`Delete the user "${pending.userName}"? Their sessions and API tokens are revoked at once; their audit entries are kept.`}
          confirmLabel="Delete"
          onConfirm={async () => {
            await client.call('user.delete', { userName: pending.userName });
          }}
          onClose={() => setPending(null)}
          onDone={() => closeWith(`User ${pending.userName} deleted`)}
        />
      )}
    </Box>
  );
}
