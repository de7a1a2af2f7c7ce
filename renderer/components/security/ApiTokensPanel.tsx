import AddIcon from '@mui/icons-material/Add';
import RefreshIcon from '@mui/icons-material/Refresh';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiTokenRow } from '../../../master-core/protocol/api';
import { useApi } from '../../hooks/useApi';
import { useApiQuery } from '../../hooks/useApiQuery';
import { formatTime } from '../../state/displayFormat';
import { tokenState } from '../../state/securityForms';
import { EmptyRow, ErrorAlert, LoadingRow } from '../catalog/CatalogDialogFrame';
import { ConfirmDialog } from '../catalog/ConfirmDialog';
import { CreateTokenDialog } from './CreateTokenDialog';

const stateColor = { active: 'success', expired: 'default', revoked: 'warning' } as const;

interface ApiTokensPanelProps {
  /** An admin may list and make another user's tokens; everyone else sees only their own. */
  isAdmin: boolean;
}

/** API tokens (and sign-in sessions): kind, expiry, last use; create one (shown once) or revoke. */
export function ApiTokensPanel({ isAdmin }: ApiTokensPanelProps) {
  const client = useApi();
  /** Whose tokens: '' for the caller's own (token.list without userName). */
  const [owner, setOwner] = useState('');
  const tokens = useApiQuery(`tokens:${owner}`, async (c) =>
    (await c.call('token.list', owner ? { userName: owner } : {})).tokens.sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    ),
  );
  const users = useApiQuery(`token-owners:${isAdmin}`, async (c) =>
    isAdmin ? (await c.call('user.list', {})).users.map((u) => u.userName) : [],
  );
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const now = Date.now();
  const rows = tokens.data ?? [];

  return (
    <Box sx={{ p: 1, overflow: 'auto', height: '100%' }} data-testid="security-tokens">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          API tokens
          <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
            {owner ? `of ${owner}` : 'your own'}; a token is shown only when it is created
          </Typography>
        </Typography>
        {isAdmin && (
          <TextField
            select
            size="small"
            label="Tokens of"
            value={owner}
            onChange={(e) => setOwner(e.target.value)}
            sx={{ minWidth: 180 }}
            slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'tokens-owner' } as object } }}
          >
            <MenuItem value="" data-testid="tokens-owner-me">
              me
            </MenuItem>
            {(users.data ?? []).map((name) => (
              <MenuItem key={name} value={name} data-testid={`tokens-owner-${name}`}>
                {name}
              </MenuItem>
            ))}
          </TextField>
        )}
        <Button startIcon={<RefreshIcon />} onClick={tokens.reload} data-testid="tokens-refresh">
          Refresh
        </Button>
        <Button
          variant="contained"
          startIcon={<AddIcon />}
          onClick={() => setCreating(true)}
          data-testid="tokens-create"
        >
          New token
        </Button>
      </Box>
      {notice && (
        <Alert severity="success" onClose={() => setNotice(null)} sx={{ my: 1 }} data-testid="tokens-notice">
          {notice}
        </Alert>
      )}
      <ErrorAlert testId="tokens-users-error" error={users.error} />
      <ErrorAlert testId="tokens-error" error={tokens.error} />
      {tokens.loading && tokens.data === null && <LoadingRow testId="tokens-loading" what="tokens" />}
      {tokens.data !== null && rows.length === 0 && (
        <EmptyRow testId="tokens-empty">
          No tokens yet: New token makes one for the CLI or automation.
        </EmptyRow>
      )}
      {rows.length > 0 && (
        <Table size="small" data-testid="tokens-table">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>User</TableCell>
              <TableCell>Kind</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Last used</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((t) => {
              const state = tokenState(t, now);
              return (
                <TableRow key={t.tokenId} data-testid={`api-token-row-${t.tokenId}`}>
                  <TableCell>{t.name}</TableCell>
                  <TableCell>{t.userName}</TableCell>
                  <TableCell>{t.kind === 'api' ? 'API token' : 'Sign-in session'}</TableCell>
                  <TableCell>
                    <Chip
                      size="small"
                      variant="outlined"
                      label={state[0]!.toUpperCase() + state.slice(1)}
                      color={stateColor[state]}
                      data-testid={`api-token-state-${t.tokenId}`}
                    />
                  </TableCell>
                  <TableCell>{formatTime(t.createdAt)}</TableCell>
                  <TableCell>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</TableCell>
                  <TableCell>{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'never'}</TableCell>
                  <TableCell>
                    {state === 'active' && (
                      <Button
                        size="small"
                        color="error"
                        onClick={() => setRevoking(t)}
                        data-testid={`api-token-revoke-${t.tokenId}`}
                      >
                        Revoke
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      {creating && (
        <CreateTokenDialog
          userName={owner || undefined}
          onClose={() => setCreating(false)}
          onCreated={() => tokens.reload()}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke Token"
          question={`Revoke the ${revoking.kind === 'api' ? 'API token' : 'sign-in session'} "${revoking.name}" of ${revoking.userName}? It stops working at once; whatever uses it is refused.`}
          confirmLabel="Revoke"
          onConfirm={async () => {
            await client.call('token.revoke', { tokenId: revoking.tokenId });
          }}
          onClose={() => setRevoking(null)}
          onDone={() => {
            setNotice(`Token "${revoking.name}" revoked`);
            setRevoking(null);
            tokens.reload();
          }}
        />
      )}
    </Box>
  );
}
