import type { Metadata } from 'next';
import { AdminUsers } from '@/features/admin/admin-users';

export const metadata: Metadata = { title: 'Admin · Users' };

export default function AdminUsersPage() {
  return <AdminUsers />;
}
