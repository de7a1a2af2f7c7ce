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
import type { HTMLAttributes, KeyboardEvent, MouseEvent, ReactElement } from 'react';
import type { FolderInfo, WorkerRow } from '../../master-core/protocol/api';
import { useAccess } from '../hooks/useAccess';
import { whyNotOnAll } from '../state/access';
import { menuFor } from '../state/catalogMenu';
import type { CatalogDialog, MenuAction } from '../state/catalogMenu';
import { buildCatalogTree, buildScaleOutTree, expandableIds, indexTree } from '../state/catalogTree';
import type { CatalogPath, TreeNode } from '../state/catalogTree';
import { targetsForPaths } from '../state/executeTargets';
import { CatalogDialogHost } from './catalog/CatalogDialogHost';
import { TreeNodeLabel } from './TreeNodeLabel';
import { WhyNot } from './WhyNot';

interface ObjectExplorerProps {
  folders: FolderInfo[];
  workers: WorkerRow[];
  errors: string[];
  onExecute: (paths: CatalogPath[]) => void;
  onOpenWorkers: () => void;
  onRefresh: () => void;
  /** Reports > All Executions: show the All Executions tab filtered to this folder, project or package. */
  onShowExecutions?: (path: CatalogPath) => void;
}

interface ContextMenuState {
  x: number;
  y: number;
  node: TreeNode;
}

/** Shift+F10 and the context menu key open the menu of the focused item, as in Windows. */
const isMenuKey = (event: KeyboardEvent) =>
  (event.shiftKey && event.key === 'F10') || event.key === 'ContextMenu';

const isWorkersNode = (node: TreeNode) => node.kind === 'workers' || node.kind === 'worker';

/**
 * SSMS's Object Explorer: the catalog and the Scale Out workers. Each node has a context menu
 * (right-click, Shift+F10 or the context menu key) with what SSMS offers there: Execute in Scale
 * Out, Deploy Project, Configure, Versions, environments, Reports > All Executions, Properties,
 * Delete.
 */
export function ObjectExplorer({
  folders,
  workers,
  errors,
  onExecute,
  onOpenWorkers,
  onRefresh,
  onShowExecutions,
}: ObjectExplorerProps) {
  const roots = useMemo(() => [buildCatalogTree(folders), buildScaleOutTree(workers)], [folders, workers]);
  const index = useMemo(() => indexTree(roots), [roots]);
  // Nodes start expanded (so new folders and packages show at once); we remember what the user collapsed.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const expandable = useMemo(() => expandableIds(roots), [roots]);
  const expandedItems = useMemo(() => expandable.filter((id) => !collapsed.has(id)), [expandable, collapsed]);
  const [selectedIds, setSelectedIds] = useState<string[]>([]);
  const [menu, setMenu] = useState<ContextMenuState | null>(null);
  const [dialog, setDialog] = useState<CatalogDialog | null>(null);
  const access = useAccess();

  const selectedNodes = selectedIds.map((id) => index.get(id)).filter((n): n is TreeNode => n !== undefined);
  const selectedPackagePaths = selectedNodes.flatMap((n) => (n.kind === 'package' && n.path ? [n.path] : []));

  /** Right-click on one of several selected packages runs them all, as in SSMS. */
  function pathsForMenu(node: TreeNode): CatalogPath[] {
    if (node.kind === 'package' && selectedIds.includes(node.id) && selectedPackagePaths.length > 1) {
      return selectedPackagePaths;
    }
    return node.path ? [node.path] : [];
  }

  function showMenu(node: TreeNode, x: number, y: number) {
    if (!selectedIds.includes(node.id) && node.kind !== 'none') setSelectedIds([node.id]);
    setMenu({ x, y, node });
  }

  /** Below the item's row: where a menu opened from the keyboard appears. */
  function itemPosition(item: Element): { x: number; y: number } {
    const rect = (item.firstElementChild ?? item).getBoundingClientRect();
    return { x: rect.left + 16, y: rect.bottom };
  }

  function openMenu(event: MouseEvent<HTMLLIElement>, node: TreeNode) {
    event.preventDefault();
    event.stopPropagation();
    // A contextmenu event raised by the keyboard has no pointer position.
    const fromKeyboard = event.clientX === 0 && event.clientY === 0;
    const { x, y } = fromKeyboard
      ? itemPosition(event.currentTarget)
      : { x: event.clientX, y: event.clientY };
    showMenu(node, x, y);
  }

  function menuKey(event: KeyboardEvent<HTMLLIElement>, node: TreeNode) {
    if (event.target !== event.currentTarget || !isMenuKey(event)) return;
    event.preventDefault();
    event.stopPropagation();
    const { x, y } = itemPosition(event.currentTarget);
    showMenu(node, x, y);
  }

  function runAction(action: MenuAction, paths: CatalogPath[]) {
    setMenu(null);
    switch (action.kind) {
      case 'execute':
        onExecute(paths);
        return;
      case 'openWorkers':
        onOpenWorkers();
        return;
      case 'refresh':
        onRefresh();
        return;
      case 'showExecutions':
        onShowExecutions?.(action.path);
        return;
      case 'dialog':
        setDialog(action.dialog);
        return;
    }
  }

  const renderNode = (node: TreeNode) => {
    const contentProps: HTMLAttributes<HTMLDivElement> & Record<`data-${string}`, string> = {
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
        onContextMenu={(event: MouseEvent<HTMLLIElement>) => openMenu(event, node)}
        onKeyDown={(event: KeyboardEvent<HTMLLIElement>) => menuKey(event, node)}
        slotProps={{ content: contentProps }}
      >
        {node.children.length > 0 ? node.children.map(renderNode) : null}
      </TreeItem>
    );
  };

  const executeWhyNot = whyNotOnAll(
    access,
    'execute',
    selectedPackagePaths.map((p) => p.folder),
  );
  const menuPaths = menu ? pathsForMenu(menu.node) : [];
  const menuFolders = menuPaths.map((p) => p.folder);
  const menuPackageCount = menu?.node.path ? targetsForPaths(folders, menuPaths).length : 0;
  const menuItems: ReactElement[] = [];
  // Without a place to show executions, the report entry is left out rather than doing nothing;
  // so is what the caller may not do (the master would refuse it).
  const entries = menu
    ? menuFor(menu.node).filter(
        (e) =>
          (e.action.kind !== 'showExecutions' || onShowExecutions) &&
          (!e.requires || access.can(e.requires.action, e.requires.folderName)) &&
          // Several selected packages run together: each one's folder must allow it.
          (e.action.kind !== 'execute' || whyNotOnAll(access, 'execute', menuFolders) === ''),
      )
    : [];
  for (const entry of entries) {
    if (entry.dividerBefore && menuItems.length > 0) menuItems.push(<Divider key={`divider-${entry.id}`} />);
    const isExecute = entry.action.kind === 'execute';
    const action = entry.action;
    menuItems.push(
      <MenuItem
        key={entry.id}
        disabled={isExecute && menuPackageCount === 0}
        onClick={() => runAction(action, menuPaths)}
        data-testid={`menu-${entry.id}`}
      >
        {entry.label}
        {isExecute && menuPackageCount > 1 ? ` (${menuPackageCount} packages)` : ''}
      </MenuItem>,
    );
  }

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', bgcolor: 'background.paper' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', px: 1, py: 0.5, gap: 0.5, minHeight: 36 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          Object Explorer
        </Typography>
        {/* Not offered at all to a caller who may run nothing; otherwise disabled with why. */}
        {access.can('execute') && (
          <WhyNot reason={executeWhyNot}>
            <Button
              startIcon={<PlayArrowIcon />}
              disabled={selectedPackagePaths.length === 0 || executeWhyNot !== ''}
              onClick={() => onExecute(selectedPackagePaths)}
              data-testid="toolbar-execute"
            >
              Execute...
            </Button>
          </WhyNot>
        )}
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
        {menuItems}
      </Menu>
      {dialog && (
        <CatalogDialogHost
          dialog={dialog}
          folders={folders}
          onClose={() => setDialog(null)}
          onChanged={onRefresh}
        />
      )}
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
