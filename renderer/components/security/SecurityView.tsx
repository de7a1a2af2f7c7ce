import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { FolderInfo } from '../../../master-core/protocol/api';
import { useAccessState } from '../../hooks/useAccess';
import { LoadingRow } from '../catalog/CatalogDialogFrame';
import { ApiTokensPanel } from './ApiTokensPanel';
import { AuditPanel } from './AuditPanel';
import { FolderPermissionsPanel } from './FolderPermissionsPanel';
import { UsersPanel } from './UsersPanel';

type Page = 'users' | 'tokens' | 'permissions' | 'audit';

/**
 * Security: users, API tokens, folder permissions and the audit trail, for an admin (SSMS's
 * Security node and the SSISDB permissions pages). Anyone else sees only their own API tokens.
 */
export function SecurityView({ folders }: { folders: readonly FolderInfo[] }) {
  const { access, loading } = useAccessState();
  const isAdmin = access.can('admin');
  // Until one is picked: Users for an admin (access may arrive after the tab opened).
  const [page, setPage] = useState<Page | null>(null);
  const shown: Page = isAdmin ? (page ?? 'users') : 'tokens';
  const me = access.whoami?.user.userName ?? null;
  // What is shown depends on who is asking: nothing is loaded before the master says.
  if (loading) return <LoadingRow testId="security-loading" what="your permissions" />;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }} data-testid="security-view">
      <Box sx={{ display: 'flex', alignItems: 'center', px: 1 }}>
        <Tabs value={shown} onChange={(_e, next: Page) => setPage(next)} sx={{ flex: 1 }}>
          {isAdmin && <Tab value="users" label="Users" data-testid="security-tab-users" />}
          <Tab value="tokens" label="API tokens" data-testid="security-tab-tokens" />
          {isAdmin && (
            <Tab value="permissions" label="Folder permissions" data-testid="security-tab-permissions" />
          )}
          {isAdmin && <Tab value="audit" label="Audit" data-testid="security-tab-audit" />}
        </Tabs>
        {!isAdmin && (
          <Typography variant="caption" color="text.secondary" data-testid="security-non-admin">
            Users, folder permissions and the audit are for admins; these are your own tokens.
          </Typography>
        )}
      </Box>
      <Divider />
      <Box sx={{ flex: 1, minHeight: 0 }}>
        {shown === 'users' && <UsersPanel currentUser={me} />}
        {shown === 'tokens' && <ApiTokensPanel isAdmin={isAdmin} />}
        {shown === 'permissions' && <FolderPermissionsPanel folders={folders} />}
        {shown === 'audit' && <AuditPanel />}
      </Box>
    </Box>
  );
}
