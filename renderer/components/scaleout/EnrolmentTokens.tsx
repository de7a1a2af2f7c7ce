import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import type { GridColDef } from '@mui/x-data-grid';
import { useState } from 'react';
import type { EnrolmentTokenRow } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import type { LiveCollection } from '../../hooks/useLiveCollection';
import { formatTime } from '../../state/displayFormat';
import { GridPanel } from '../GridPanel';

const stateColor: Record<EnrolmentTokenRow['state'], 'success' | 'default' | 'warning'> = {
  active: 'success',
  used: 'default',
  expired: 'default',
  revoked: 'warning',
};

function columns(revoke: (token: EnrolmentTokenRow) => void): GridColDef<EnrolmentTokenRow>[] {
  return [
    { field: 'tokenId', headerName: 'Token id', width: 150 },
    {
      field: 'state',
      headerName: 'State',
      width: 95,
      renderCell: ({ row }) => (
        <Chip
          label={row.state[0]!.toUpperCase() + row.state.slice(1)}
          color={stateColor[row.state]}
          variant={row.state === 'active' ? 'filled' : 'outlined'}
          data-testid={`token-state-${row.tokenId}`}
          sx={{ height: 20, fontSize: 12 }}
        />
      ),
    },
    {
      field: 'actions',
      headerName: '',
      width: 90,
      sortable: false,
      filterable: false,
      renderCell: ({ row }) =>
        row.state === 'active' && (
          <Button color="error" onClick={() => revoke(row)} data-testid={`token-revoke-${row.tokenId}`}>
            Revoke
          </Button>
        ),
    },
    {
      field: 'presetName',
      headerName: 'Preset name',
      width: 140,
      valueGetter: (v: string | null) => v ?? '',
    },
    {
      field: 'presetTags',
      headerName: 'Preset tags',
      width: 150,
      valueGetter: (v: string[] | null) => (v ?? []).join(', '),
    },
    { field: 'createdBy', headerName: 'Created by', width: 140 },
    { field: 'createdAt', headerName: 'Created', width: 150, valueFormatter: (v: string) => formatTime(v) },
    { field: 'expiresAt', headerName: 'Expires', width: 150, valueFormatter: (v: string) => formatTime(v) },
    {
      field: 'usedByWorkerName',
      headerName: 'Used by',
      flex: 1,
      minWidth: 140,
      valueGetter: (_v, row) =>
        row.usedAt ? `${row.usedByWorkerName ?? row.usedByWorkerId ?? ''} at ${formatTime(row.usedAt)}` : '',
    },
  ];
}

/** Enrolment tokens: who made them, until when, which worker used one; an unused one can be revoked. */
export function EnrolmentTokens({ tokens }: { tokens: LiveCollection<EnrolmentTokenRow> }) {
  const client = useApi();
  const [error, setError] = useState<string | null>(null);
  const revoke = (token: EnrolmentTokenRow) => {
    setError(null);
    client.call('worker.enrolmentToken.revoke', { tokenId: token.tokenId }).then(
      () => tokens.reload(),
      (e: unknown) => setError(`Could not revoke token ${token.tokenId}: ${coerceError(e).message}`),
    );
  };
  const active = tokens.rows.filter((t) => t.state === 'active').length;
  return (
    <GridPanel<EnrolmentTokenRow>
      title="Enrolment tokens"
      subtitle={
        tokens.rows.length === 0
          ? 'none yet: Add worker creates one'
          : `${active} active of ${tokens.rows.length}`
      }
      testId="tokens"
      error={error ?? tokens.error}
      loaded={tokens.loaded}
      onReload={tokens.reload}
      grid={{ rows: tokens.rows, columns: columns(revoke), getRowId: (row) => row.tokenId }}
    />
  );
}
