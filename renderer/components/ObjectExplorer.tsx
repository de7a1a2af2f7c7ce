import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import RefreshIcon from '@mui/icons-material/Refresh';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import IconButton from '@mui/material/IconButton';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { SimpleTreeView } from '@mui/x-tree-view/SimpleTreeView';
import { TreeItem } from '@mui/x-tree-view/TreeItem';
import { useMemo, useState } from 'react';
import type { HTMLAttributes, MouseEvent } from 'react';
import type { FolderInfo, WorkerRow } from '../../master-core/protocol/api';
import { buildCatalogTree, buildScaleOutTree, expandableIds, indexTree } from '../state/catalogTree';
import type { CatalogPath, TreeNode } from '../state/catalogTree';
import { targetsForPaths } from '../state/executeTargets';
import { TreeNodeLabel } from './TreeNodeLabel';

interface ObjectExplorerProps {
  folders: FolderInfo[];
  workers: WorkerRow[];
  errors: string[];
  onExecute: (paths: CatalogPath[]) => void;
  onOpenWorkers: () => void;
  onRefresh: () => void;
}

interface ContextMenuState {
  x: number;
  y: number;
  node: TreeNode;
}

const isCatalogObject = (node: TreeNode) =>
  node.kind === 'folder' || node.kind === 'project' || node.kind === 'package';
const isWorkersNode = (node: TreeNode) => node.kind === 'workers' || node.kind === 'worker';

/** SSMS's Object Explorer: the catalog and the Scale Out workers, with Execute on packages. */
export function ObjectExplorer({
  folders,
  workers,
  errors,
  onExecute,
  onOpenWorkers,
  onRefresh,
}: ObjectExplorerProps) {
  const roots = useMemo(() => [buildCatalogTree(folders), buildScaleOutTree(workers)], [folders, workers]);
  const index = useMemo(() => indexTree(roots), [roots]);
  // Nodes start expanded (so new folders and packages show at once); we remember what the user collapsed.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const expandable = useMemo(() => expandableIds(roots), [roots]);
  const expandedItems = useMemo(() => expandable.filter((id) => !collapsed.has(id)), [expandable, collapsed]);
  const [selectedIds, setSelectedIds] = useState<string[]>([]);
  const [menu, setMenu] = useState<ContextMenuState | null>(null);

  const selectedNodes = selectedIds.map((id) => index.get(id)).filter((n): n is TreeNode => n !== undefined);
  const selectedPackagePaths = selectedNodes.flatMap((n) => (n.kind === 'package' && n.path ? [n.path] : []));

  /** Right-click on one of several selected packages runs them all, as in SSMS. */
  function pathsForMenu(node: TreeNode): CatalogPath[] {
    if (node.kind === 'package' && selectedIds.includes(node.id) && selectedPackagePaths.length > 1) {
      return selectedPackagePaths;
    }
    return node.path ? [node.path] : [];
  }

  function openMenu(event: MouseEvent, node: TreeNode) {
    event.preventDefault();
    event.stopPropagation();
    if (!selectedIds.includes(node.id) && node.kind !== 'none') setSelectedIds([node.id]);
    setMenu({ x: event.clientX, y: event.clientY, node });
  }

  function runMenu(action: () => void) {
    setMenu(null);
    action();
  }

  const renderNode = (node: TreeNode) => {
    const contentProps: HTMLAttributes<HTMLDivElement> & Record<`data-${string}`, string> = {
      onContextMenu: (event) => openMenu(event, node),
      ...(node.testId ? { 'data-testid': node.testId } : {}),
      ...(node.kind === 'worker' ? { 'data-online': String(node.online) } : {}),
      ...(node.kind === 'package' || node.kind === 'project' || node.kind === 'folder'
        ? { title: describe(node, folders) }
        : {}),
    };
    return (
      <TreeItem
        key={node.id}
        itemId={node.id}
        label={<TreeNodeLabel node={node} />}
        disableSelection={node.kind === 'none'}
        slotProps={{ content: contentProps }}
      >
        {node.children.length > 0 ? node.children.map(renderNode) : null}
      </TreeItem>
    );
  };

  const menuPaths = menu ? pathsForMenu(menu.node) : [];
  const menuPackageCount =
    menu && isCatalogObject(menu.node) ? targetsForPaths(folders, menuPaths).length : 0;

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', bgcolor: 'background.paper' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', px: 1, py: 0.5, gap: 0.5, minHeight: 36 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          Object Explorer
        </Typography>
        <Button
          startIcon={<PlayArrowIcon />}
          disabled={selectedPackagePaths.length === 0}
          onClick={() => onExecute(selectedPackagePaths)}
          data-testid="toolbar-execute"
        >
          Execute...
        </Button>
        <Tooltip title="Refresh">
          <IconButton onClick={onRefresh} aria-label="Refresh" data-testid="explorer-refresh">
            <RefreshIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
      <Divider />
      {errors.map((error) => (
        <Alert key={error} severity="error" sx={{ m: 1 }} data-testid="explorer-error">
          {error}
        </Alert>
      ))}
      <Box sx={{ flex: 1, overflow: 'auto', py: 0.5 }} data-testid="object-explorer">
        <SimpleTreeView
          multiSelect
          selectedItems={selectedIds}
          onSelectedItemsChange={(_event, ids) => setSelectedIds(ids)}
          expandedItems={expandedItems}
          onExpandedItemsChange={(_event, ids) =>
            setCollapsed(new Set(expandable.filter((id) => !ids.includes(id))))
          }
          onItemClick={(_event, itemId) => {
            const node = index.get(itemId);
            if (node && isWorkersNode(node)) onOpenWorkers();
          }}
          itemChildrenIndentation={14}
        >
          {roots.map(renderNode)}
        </SimpleTreeView>
      </Box>
      <Menu
        open={menu !== null}
        onClose={() => setMenu(null)}
        anchorReference="anchorPosition"
        anchorPosition={menu ? { top: menu.y, left: menu.x } : undefined}
      >
        {menu && isCatalogObject(menu.node) && (
          <MenuItem
            disabled={menuPackageCount === 0}
            onClick={() => runMenu(() => onExecute(menuPaths))}
            data-testid="menu-execute"
          >
            Execute in Scale Out...{menuPackageCount > 1 ? ` (${menuPackageCount} packages)` : ''}
          </MenuItem>
        )}
        {menu && isWorkersNode(menu.node) && (
          <MenuItem onClick={() => runMenu(onOpenWorkers)} data-testid="menu-open-workers">
            Open Workers
          </MenuItem>
        )}
        <MenuItem onClick={() => runMenu(onRefresh)} data-testid="menu-refresh">
          Refresh
        </MenuItem>
      </Menu>
    </Box>
  );
}

/** Tooltip text: the object's description and, for containers, how many packages it holds. */
function describe(node: TreeNode, folders: readonly FolderInfo[]): string {
  const path = node.path;
  if (!path) return node.label;
  const folder = folders.find((f) => f.name === path.folder);
  const project = folder?.projects.find((p) => p.name === path.project);
  const pkg = project?.packages.find((p) => p.name === path.package);
  const description = (pkg ?? project ?? folder)?.description ?? '';
  const count = node.kind === 'package' ? null : targetsForPaths(folders, [path]).length;
  const parts = [description, count === null ? '' : `${count} package${count === 1 ? '' : 's'}`];
  if (project && node.kind === 'project')
    parts.push(`version ${project.versionId}, deployed by ${project.deployedBy}`);
  return parts.filter((p) => p !== '').join(' - ') || node.label;
}
