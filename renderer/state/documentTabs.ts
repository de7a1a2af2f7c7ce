/** The document area's tabs as plain data: which are open, which one shows. */

export type DocumentTab =
  | { kind: 'executions'; id: 'executions'; title: string }
  | { kind: 'scaleOutManager'; id: 'scale-out-manager'; title: string }
  | { kind: 'workerHealth'; id: 'worker-health'; title: string }
  | { kind: 'security'; id: 'security'; title: string }
  | { kind: 'execution'; id: string; title: string; executionId: number };

export interface DocumentTabsState {
  tabs: DocumentTab[];
  activeId: string;
}

export const EXECUTIONS_TAB: DocumentTab = { kind: 'executions', id: 'executions', title: 'All Executions' };
export const SCALE_OUT_MANAGER_TAB: DocumentTab = {
  kind: 'scaleOutManager',
  id: 'scale-out-manager',
  title: 'Scale Out Manager',
};
export const WORKER_HEALTH_TAB: DocumentTab = {
  kind: 'workerHealth',
  id: 'worker-health',
  title: 'Worker Health',
};

export const SECURITY_TAB: DocumentTab = { kind: 'security', id: 'security', title: 'Security' };

export function executionTab(executionId: number): DocumentTab {
  return {
    kind: 'execution',
    id: `execution-${executionId}`,
    title: `Execution ${executionId}`,
    executionId,
  };
}

export function initialTabs(): DocumentTabsState {
  return { tabs: [EXECUTIONS_TAB], activeId: EXECUTIONS_TAB.id };
}

/** Shows a tab, opening it at the end when it is not open yet. */
export function openTab(state: DocumentTabsState, tab: DocumentTab): DocumentTabsState {
  const open = state.tabs.some((t) => t.id === tab.id);
  return { tabs: open ? state.tabs : [...state.tabs, tab], activeId: tab.id };
}

/** All Executions cannot close; closing the shown tab shows its right neighbour, else its left. */
export function closeTab(state: DocumentTabsState, id: string): DocumentTabsState {
  const index = state.tabs.findIndex((t) => t.id === id);
  if (index < 0 || id === EXECUTIONS_TAB.id) return state;
  const tabs = state.tabs.filter((t) => t.id !== id);
  if (state.activeId !== id) return { tabs, activeId: state.activeId };
  const next = tabs[index] ?? tabs[index - 1] ?? EXECUTIONS_TAB;
  return { tabs, activeId: next.id };
}
