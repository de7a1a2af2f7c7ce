import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { useState } from 'react';
import type { VersionRow } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useAccess } from '../../hooks/useAccess';
import { useApi } from '../../hooks/useApi';
import { useApiQuery } from '../../hooks/useApiQuery';
import { formatTime } from '../../state/displayFormat';
import { WhyNot } from '../WhyNot';
import { CatalogDialogFrame, EmptyRow, ErrorAlert, LoadingRow } from './CatalogDialogFrame';

interface VersionsDialogProps {
  folderName: string;
  projectName: string;
  onClose: () => void;
  onChanged: () => void;
}

/** Project Versions: every deployed version, the current one marked; Restore makes another current. */
export function VersionsDialog({ folderName, projectName, onClose, onChanged }: VersionsDialogProps) {
  const client = useApi();
  const restoreWhyNot = useAccess().whyNot('modify', folderName);
  const versions = useApiQuery(
    `versions:${folderName}/${projectName}`,
    async (c) => (await c.call('project.versions', { folderName, projectName })).versions,
    { reloadOnCatalogChange: true },
  );
  const [confirming, setConfirming] = useState<VersionRow | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function restore(version: VersionRow) {
    setBusy(true);
    setError(null);
    try {
      await client.call('project.restore', { folderName, projectName, versionId: version.versionId });
      setNotice(`Version ${version.versionId} is now current: new executions run its packages.`);
      setConfirming(null);
      versions.reload();
      onChanged();
    } catch (e) {
      setError(coerceError(e).message);
    } finally {
      setBusy(false);
    }
  }

  const rows = [...(versions.data ?? [])].sort((a, b) => b.versionId - a.versionId);

  return (
    <CatalogDialogFrame
      title={`Project Versions - ${folderName}/${projectName}`}
      testId="versions-dialog"
      onClose={onClose}
      actions={
        <Button onClick={onClose} data-testid="versions-close">
          Close
        </Button>
      }
    >
      <ErrorAlert testId="versions-error" error={versions.error ?? error} />
      {notice && (
        <Alert severity="success" sx={{ my: 1 }} data-testid="versions-notice">
          {notice}
        </Alert>
      )}
      {confirming && (
        <Alert
          severity="warning"
          sx={{ my: 1 }}
          data-testid="versions-confirm"
          action={
            <Box sx={{ display: 'flex', gap: 0.5 }}>
              <Button
                color="inherit"
                onClick={() => setConfirming(null)}
                data-testid="versions-confirm-cancel"
              >
                Cancel
              </Button>
              <Button
                color="warning"
                variant="contained"
                disabled={busy}
                onClick={() => void restore(confirming)}
                data-testid="versions-confirm-ok"
              >
                Restore
              </Button>
            </Box>
          }
        >
          Restore version {confirming.versionId} of {folderName}/{projectName}? New executions will run its
          packages; running ones keep their version.
        </Alert>
      )}
      {versions.data === null && versions.loading && <LoadingRow testId="versions-loading" what="versions" />}
      {versions.data !== null && rows.length === 0 && (
        <EmptyRow testId="versions-empty">This project has no versions.</EmptyRow>
      )}
      {rows.length > 0 && (
        <Table size="small" data-testid="versions-table">
          <TableHead>
            <TableRow>
              <TableCell>Version</TableCell>
              <TableCell>Deployed at</TableCell>
              <TableCell>Deployed by</TableCell>
              <TableCell>Description</TableCell>
              <TableCell>Packages</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((v) => (
              <TableRow
                key={v.versionId}
                selected={v.isCurrent}
                data-testid={`version-row-${v.versionId}`}
                data-current={String(v.isCurrent)}
              >
                <TableCell>
                  {v.versionId}
                  {v.isCurrent && (
                    <Chip
                      size="small"
                      color="primary"
                      label="Current"
                      sx={{ ml: 1 }}
                      data-testid="version-current"
                    />
                  )}
                </TableCell>
                <TableCell>{formatTime(v.deployedAt)}</TableCell>
                <TableCell>{v.deployedBy}</TableCell>
                <TableCell>{v.description}</TableCell>
                <TableCell title={v.contentHash}>{v.packageNames.join(', ')}</TableCell>
                <TableCell align="right">
                  {!v.isCurrent && (
                    <WhyNot reason={restoreWhyNot}>
                      <Button
                        size="small"
                        disabled={restoreWhyNot !== ''}
                        onClick={() => {
                          setConfirming(v);
                          setNotice(null);
                          setError(null);
                        }}
                        data-testid={`version-restore-${v.versionId}`}
                      >
                        Restore
                      </Button>
                    </WhyNot>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </CatalogDialogFrame>
  );
}
