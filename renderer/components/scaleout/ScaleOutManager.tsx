import AddIcon from '@mui/icons-material/Add';
import MonitorHeartIcon from '@mui/icons-material/MonitorHeart';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useEffect, useMemo, useState } from 'react';
import type { WorkerRow } from '../../../master-core/protocol/api';
import { useAccess } from '../../hooks/useAccess';
import { useDashboard } from '../../hooks/useDashboard';
import { useEnrolmentTokens } from '../../hooks/useEnrolmentTokens';
import type { LiveCollection } from '../../hooks/useLiveCollection';
import { allTags } from '../../state/workerHealthView';
import { AddWorkerDialog } from './AddWorkerDialog';
import { EditWorkerDialog } from './EditWorkerDialog';
import { EnrolmentTokens } from './EnrolmentTokens';
import { RevokeWorkerDialog } from './RevokeWorkerDialog';
import { ScaleOutDashboard } from './ScaleOutDashboard';
import { WhyNot } from '../WhyNot';
import { WorkerManager } from './WorkerManager';

interface ScaleOutManagerProps {
  /** The console's one live worker list (the Object Explorer shows it too). */
  workers: LiveCollection<WorkerRow>;
  onOpenWorkerHealth?: () => void;
}

type Notice = { severity: 'success' | 'info'; text: string };

/** SSIS's Scale Out Manager: the dashboard on top, the Worker Manager and enrolment tokens below. */
export function ScaleOutManager({ workers, onOpenWorkerHealth }: ScaleOutManagerProps) {
  const dashboard = useDashboard();
  const access = useAccess();
  const isAdmin = access.can('admin');
  const tokens = useEnrolmentTokens(isAdmin);
  const [chosenView, setView] = useState<'workers' | 'tokens'>('workers');
  const view = isAdmin ? chosenView : 'workers';
  const [editing, setEditing] = useState<WorkerRow | null>(null);
  const [revoking, setRevoking] = useState<WorkerRow | null>(null);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const knownTags = useMemo(() => allTags(workers.rows), [workers.rows]);

  // A worker enrolling uses a token: a new worker in the list means the tokens list changed too.
  const { reload: reloadTokens } = tokens;
  const workerCount = workers.rows.length;
  useEffect(() => {
    if (workerCount > 0 && isAdmin) reloadTokens();
  }, [workerCount, reloadTokens, isAdmin]);

  return (
    <Box
      sx={{ display: 'flex', flexDirection: 'column', height: '100%', overflow: 'hidden' }}
      data-testid="scale-out-manager"
    >
      <ScaleOutDashboard state={dashboard} />
      <Divider />
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1 }}>
        <Tabs value={view} onChange={(_e, v: 'workers' | 'tokens') => setView(v)} sx={{ flex: 1 }}>
          <Tab value="workers" label="Worker Manager" data-testid="scale-out-tab-workers" />
          {isAdmin && <Tab value="tokens" label="Enrolment tokens" data-testid="scale-out-tab-tokens" />}
        </Tabs>
        {onOpenWorkerHealth && (
          <Button
            startIcon={<MonitorHeartIcon />}
            onClick={onOpenWorkerHealth}
            data-testid="open-worker-health"
          >
            Worker health
          </Button>
        )}
        <WhyNot reason={access.whyNot('admin')}>
          <Button
            variant="contained"
            startIcon={<AddIcon />}
            onClick={() => setAdding(true)}
            disabled={!isAdmin}
            data-testid="add-worker"
          >
            Add worker
          </Button>
        </WhyNot>
      </Box>
      {notice && (
        <Alert
          severity={notice.severity}
          onClose={() => setNotice(null)}
          sx={{ mx: 1, mt: 0.5 }}
          data-testid="scale-out-notice"
        >
          {notice.text}
        </Alert>
      )}
      <Box sx={{ flex: 1, minHeight: 0 }}>
        {view === 'workers' ? (
          <WorkerManager workers={workers} onEdit={setEditing} onRevoke={setRevoking} />
        ) : (
          <EnrolmentTokens tokens={tokens} />
        )}
      </Box>
      {editing && (
        <EditWorkerDialog
          worker={editing}
          knownTags={knownTags}
          onClose={() => setEditing(null)}
          onSaved={({ worker, appliedLive }) => {
            setEditing(null);
            setNotice({
              severity: appliedLive ? 'success' : 'info',
              text: appliedLive
                ? `Worker ${worker.name} saved and applied live`
                : `Worker ${worker.name} saved; applies when the worker connects`,
            });
            workers.reload();
          }}
        />
      )}
      {revoking && (
        <RevokeWorkerDialog
          worker={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={(result) => {
            setRevoking(null);
            setNotice({
              severity: 'success',
              text: `Worker ${result.name} revoked${result.disconnected ? ' and disconnected' : ' (it was not connected)'}`,
            });
            workers.reload();
          }}
        />
      )}
      {adding && (
        <AddWorkerDialog
          knownTags={knownTags}
          onClose={() => setAdding(false)}
          onCreated={() => reloadTokens()}
        />
      )}
    </Box>
  );
}
