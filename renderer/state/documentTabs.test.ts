import { describe, expect, it } from 'vitest';
import {
  closeTab,
  executionTab,
  initialTabs,
  openTab,
  SCALE_OUT_MANAGER_TAB,
  WORKER_HEALTH_TAB,
} from './documentTabs';

const ids = (state: { tabs: { id: string }[] }) => state.tabs.map((t) => t.id);

describe('documentTabs', () => {
  it('starts with All Executions shown', () => {
    expect(initialTabs()).toEqual({
      tabs: [expect.objectContaining({ title: 'All Executions' })],
      activeId: 'executions',
    });
  });

  it('opens a tab once and shows it', () => {
    let state = openTab(initialTabs(), executionTab(7));
    state = openTab(state, SCALE_OUT_MANAGER_TAB);
    state = openTab(state, executionTab(7));
    expect(ids(state)).toEqual(['executions', 'execution-7', 'scale-out-manager']);
    expect(state.activeId).toBe('execution-7');
    expect(state.tabs[1]?.title).toBe('Execution 7');
    expect(state.tabs[2]?.title).toBe('Scale Out Manager');
  });

  it('opens Scale Out Manager and Worker Health as two tabs', () => {
    const state = openTab(openTab(initialTabs(), SCALE_OUT_MANAGER_TAB), WORKER_HEALTH_TAB);
    expect(ids(state)).toEqual(['executions', 'scale-out-manager', 'worker-health']);
    expect(state.tabs[2]?.title).toBe('Worker Health');
    expect(state.activeId).toBe('worker-health');
  });

  it('closes a tab and shows a neighbour', () => {
    let state = openTab(openTab(openTab(initialTabs(), executionTab(1)), executionTab(2)), executionTab(1));
    state = closeTab(state, 'execution-1');
    expect(ids(state)).toEqual(['executions', 'execution-2']);
    expect(state.activeId).toBe('execution-2');
    state = closeTab(state, 'execution-2');
    expect(state.activeId).toBe('executions');
  });

  it('keeps the shown tab when another closes, and never closes All Executions', () => {
    const state = openTab(openTab(initialTabs(), SCALE_OUT_MANAGER_TAB), executionTab(3));
    expect(closeTab(state, 'scale-out-manager').activeId).toBe('execution-3');
    expect(closeTab(state, 'executions')).toBe(state);
  });
});
