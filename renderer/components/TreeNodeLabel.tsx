import AccountTreeIcon from '@mui/icons-material/AccountTree';
import CircleIcon from '@mui/icons-material/Circle';
import ComputerIcon from '@mui/icons-material/Computer';
import DescriptionIcon from '@mui/icons-material/Description';
import DnsIcon from '@mui/icons-material/Dns';
import FolderIcon from '@mui/icons-material/Folder';
import HubIcon from '@mui/icons-material/Hub';
import LayersIcon from '@mui/icons-material/Layers';
import StorageIcon from '@mui/icons-material/Storage';
import TuneIcon from '@mui/icons-material/Tune';
import Box from '@mui/material/Box';
import type { SvgIconProps } from '@mui/material/SvgIcon';
import type { ComponentType } from 'react';
import type { TreeNode, TreeNodeKind } from '../state/catalogTree';

/** Icon and theme palette colour by kind, so both the light and the dark theme read well. */
const icons: Record<Exclude<TreeNodeKind, 'worker' | 'none'>, [ComponentType<SvgIconProps>, string]> = {
  catalogs: [StorageIcon, 'text.secondary'],
  ssisdb: [DnsIcon, 'primary.main'],
  folder: [FolderIcon, 'warning.main'],
  projects: [FolderIcon, 'text.secondary'],
  project: [AccountTreeIcon, 'success.main'],
  packages: [FolderIcon, 'text.secondary'],
  package: [DescriptionIcon, 'primary.main'],
  environments: [LayersIcon, 'text.secondary'],
  environment: [TuneIcon, 'secondary.main'],
  scaleOut: [HubIcon, 'text.secondary'],
  workers: [ComputerIcon, 'text.secondary'],
};

function NodeIcon({ node }: { node: TreeNode }) {
  if (node.kind === 'none') return null;
  if (node.kind === 'worker') {
    const state = node.online ? 'online' : 'offline';
    return (
      <CircleIcon
        aria-label={state}
        titleAccess={state}
        data-testid={`worker-state-${node.label}`}
        sx={{ fontSize: 12, color: node.online ? 'success.main' : 'text.disabled' }}
      />
    );
  }
  const [Icon, color] = icons[node.kind];
  return <Icon sx={{ fontSize: 16, color }} />;
}

/** One Object Explorer row: an icon by kind (a state dot for workers) and the name. */
export function TreeNodeLabel({ node }: { node: TreeNode }) {
  const muted = node.kind === 'none' || (node.kind === 'worker' && !node.online);
  return (
    <Box
      component="span"
      sx={{
        display: 'flex',
        alignItems: 'center',
        gap: 0.75,
        fontSize: 13,
        whiteSpace: 'nowrap',
        color: muted ? 'text.secondary' : 'text.primary',
        fontStyle: node.kind === 'none' ? 'italic' : 'normal',
      }}
    >
      <NodeIcon node={node} />
      <span>{node.label}</span>
      {node.kind === 'worker' && !node.online && <span>(offline)</span>}
    </Box>
  );
}
