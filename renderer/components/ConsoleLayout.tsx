import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Snackbar from '@mui/material/Snackbar';
import { useCallback, useMemo, useState } from 'react';
import { useCatalog } from '../hooks/useCatalog';
import { useWorkers } from '../hooks/useWorkers';
import type { CatalogPath } from '../state/catalogTree';
import {
  closeTab,
  EXECUTIONS_TAB,
  executionTab,
  initialTabs,
  openTab,
  SCALE_OUT_MANAGER_TAB,
  SECURITY_TAB,
  WORKER_HEALTH_TAB,
} from '../state/documentTabs';
import type { DocumentTab } from '../state/documentTabs';
import { targetsForPaths } from '../state/executeTargets';
import { EMPTY_FILTERS, filtersForPath } from '../state/executionsQuery';
import type { ExecutionFilters, ExecutionsFilterRequest } from '../state/executionsQuery';
import { parsePaneWidth, PANE_WIDTH_KEY } from '../state/paneWidth';
import { AppHeader } from './AppHeader';
import { DocumentArea } from './DocumentArea';
import { ExecuteDialog } from './ExecuteDialog';
import { ExecutionsView } from './ExecutionsView';
import { ExecutionView } from './ExecutionView';
import { ObjectExplorer } from './ObjectExplorer';
import { ScaleOutManager } from './scaleout/ScaleOutManager';
import { SecurityView } from './security/SecurityView';
import { WorkerHealthView } from './scaleout/WorkerHealthView';
import { Splitter } from './Splitter';

function usePaneWidth(): [number, (width: number) => void] {
  const [width, setWidth] = useState(() => parsePaneWidth(window.localStorage.getItem(PANE_WIDTH_KEY)));
  const update = useCallback((next: number) => {
    setWidth(next);
    window.localStorage.setItem(PANE_WIDTH_KEY, String(next));
  }, []);
  return [width, update];
}

/** The SSMS-like window: app bar, Object Explorer on the left, tabbed documents on the right. */
export function ConsoleLayout({ onDisconnect }: { onDisconnect: (reason?: string) => void }) {
  const catalog = useCatalog();
  const workers = useWorkers();
  const [tabs, setTabs] = useState(initialTabs);
  const [paneWidth, setPaneWidth] = usePaneWidth();
  /** What the Execute dialog runs; kept as paths so a redeploy while it is open shows new parameters. */
  const [executePaths, setExecutePaths] = useState<CatalogPath[] | null>(null);
  const [createdNotice, setCreatedNotice] = useState<string | null>(null);
  /**
   * All Executions' filters, kept here so they survive switching tabs (only the shown tab is
   * mounted). Reports > All Executions sets new ones under a new key; the view reports changes back
   * under the same key.
   */
  const [executionsFilters, setExecutionsFilters] = useState<ExecutionsFilterRequest>({
    key: 0,
    filters: EMPTY_FILTERS,
  });

  const executeTargets = useMemo(
    () => (executePaths ? targetsForPaths(catalog.rows, executePaths) : []),
    [catalog.rows, executePaths],
  );

  const openExecution = useCallback(
    (executionId: number) => setTabs((s) => openTab(s, executionTab(executionId))),
    [],
  );
  const showExecutions = useCallback((path: CatalogPath) => {
    setExecutionsFilters((s) => ({ key: s.key + 1, filters: filtersForPath(path) }));
    setTabs((s) => openTab(s, EXECUTIONS_TAB));
  }, []);
  const keepExecutionsFilters = useCallback(
    (filters: ExecutionFilters) =>
      setExecutionsFilters((s) => (s.filters === filters ? s : { ...s, filters })),
    [],
  );
  const openScaleOutManager = useCallback(() => setTabs((s) => openTab(s, SCALE_OUT_MANAGER_TAB)), []);
  const openWorkerHealth = useCallback(() => setTabs((s) => openTab(s, WORKER_HEALTH_TAB)), []);
  const openSecurity = useCallback(() => setTabs((s) => openTab(s, SECURITY_TAB)), []);
  const { reload: reloadCatalog } = catalog;
  const { reload: reloadWorkers } = workers;
  const refreshExplorer = useCallback(() => {
    reloadCatalog();
    reloadWorkers();
  }, [reloadCatalog, reloadWorkers]);

  const handleCreated = (executionIds: number[]) => {
    setExecutePaths(null);
    setTabs((s) => openTab(s, EXECUTIONS_TAB));
    setCreatedNotice(
      executionIds.length === 1
        ? `Execution ${executionIds[0]} created`
        : `${executionIds.length} executions created: ${executionIds.join(', ')}`,
    );
  };

  const renderTab = (tab: DocumentTab) => {
    switch (tab.kind) {
      case 'executions':
        return (
          <ExecutionsView
            onOpenExecution={openExecution}
            filterRequest={executionsFilters}
            onFiltersApplied={keepExecutionsFilters}
          />
        );
      case 'scaleOutManager':
        return <ScaleOutManager workers={workers} onOpenWorkerHealth={openWorkerHealth} />;
      case 'workerHealth':
        return <WorkerHealthView workers={workers} />;
      case 'security':
        return <SecurityView folders={catalog.rows} />;
      case 'execution':
        return <ExecutionView executionId={tab.executionId} onOpenExecution={openExecution} />;
    }
  };

  const explorerErrors = [catalog.error, workers.error].filter((e): e is string => e !== null);

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100vh', overflow: 'hidden' }}>
      <AppHeader
        onDisconnect={onDisconnect}
        onOpenScaleOutManager={openScaleOutManager}
        onOpenWorkerHealth={openWorkerHealth}
        onOpenSecurity={openSecurity}
      />
      <Box sx={{ flex: 1, minHeight: 0, display: 'flex' }}>
        <Box sx={{ width: paneWidth, flexShrink: 0, minWidth: 0 }}>
          <ObjectExplorer
            folders={catalog.rows}
            workers={workers.rows}
            errors={explorerErrors}
            onExecute={setExecutePaths}
            onOpenWorkers={openScaleOutManager}
            onRefresh={refreshExplorer}
            onShowExecutions={showExecutions}
          />
        </Box>
        <Splitter width={paneWidth} onResize={setPaneWidth} />
        <DocumentArea
          state={tabs}
          onSelect={(id) => setTabs((s) => ({ ...s, activeId: id }))}
          onClose={(id) => setTabs((s) => closeTab(s, id))}
          renderTab={renderTab}
        />
      </Box>
      {executePaths && (
        <ExecuteDialog
          targets={executeTargets}
          workers={workers.rows}
          onClose={() => setExecutePaths(null)}
          onCreated={handleCreated}
        />
      )}
      <Snackbar
        open={createdNotice !== null}
        autoHideDuration={5000}
        onClose={() => setCreatedNotice(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
      >
        <Alert
          severity="success"
          variant="filled"
          onClose={() => setCreatedNotice(null)}
          data-testid="execute-result"
        >
          {createdNotice}
        </Alert>
      </Snackbar>
    </Box>
  );
}
