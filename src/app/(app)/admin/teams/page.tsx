import type { Metadata } from 'next';
import { AdminTeams } from '@/features/admin/admin-teams';

export const metadata: Metadata = { title: 'Admin · Teams' };

export default function AdminTeamsPage() {
  return <AdminTeams />;
}
