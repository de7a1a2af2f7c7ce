import CloseIcon from '@mui/icons-material/Close';
import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import type { ReactNode } from 'react';
import type { DocumentTab, DocumentTabsState } from '../state/documentTabs';

interface DocumentAreaProps {
  state: DocumentTabsState;
  onSelect: (id: string) => void;
  onClose: (id: string) => void;
  renderTab: (tab: DocumentTab) => ReactNode;
}

function TabLabel({ tab, onClose }: { tab: DocumentTab; onClose: (id: string) => void }) {
  if (tab.kind === 'executions') return <span>{tab.title}</span>;
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5 }}>
      {tab.title}
      {/* A span, not a button: a button may not sit inside the tab's own button. */}
      <Box
        component="span"
        role="button"
        aria-label={`Close ${tab.title}`}
        data-testid={`tab-close-${tab.id}`}
        onClick={(e) => {
          e.stopPropagation();
          onClose(tab.id);
        }}
        sx={{ display: 'inline-flex', borderRadius: 0.5, '&:hover': { bgcolor: 'action.hover' } }}
      >
        <CloseIcon sx={{ fontSize: 14 }} />
      </Box>
    </Box>
  );
}

/** The right-hand documents, one tab each, like SSMS's tabbed documents. Only the shown one renders. */
export function DocumentArea({ state, onSelect, onClose, renderTab }: DocumentAreaProps) {
  const active = state.tabs.find((t) => t.id === state.activeId) ?? state.tabs[0];
  return (
    <Box sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', bgcolor: 'background.paper' }}>
      <Tabs
        value={active?.id ?? false}
        onChange={(_e, id: string) => onSelect(id)}
        variant="scrollable"
        scrollButtons="auto"
        sx={{ borderBottom: 1, borderColor: 'divider', bgcolor: 'background.default' }}
      >
        {state.tabs.map((tab) => (
          <Tab
            key={tab.id}
            value={tab.id}
            label={<TabLabel tab={tab} onClose={onClose} />}
            data-testid={`tab-${tab.id}`}
            onAuxClick={(e) => {
              if (e.button === 1 && tab.kind !== 'executions') onClose(tab.id);
            }}
          />
        ))}
      </Tabs>
      <Box sx={{ flex: 1, minHeight: 0 }} role="tabpanel" key={active?.id}>
        {active && renderTab(active)}
      </Box>
    </Box>
  );
}
