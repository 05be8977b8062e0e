/**
 * The sections of the admin console, in the order its nav shows them. A new admin page adds one
 * line here (and its page under src/app/(app)/admin/).
 */
export interface AdminSection {
  href: string;
  label: string;
  testId: string;
}

export const ADMIN_SECTIONS: AdminSection[] = [
  { href: '/admin/users', label: 'Users', testId: 'admin-nav-users' },
  { href: '/admin/teams', label: 'Teams', testId: 'admin-nav-teams' },
];
