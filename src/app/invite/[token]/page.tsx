import type { Metadata } from 'next';
import { InvitationForm } from '@/features/account/invitation-form';

export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer' };

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main className="auth-page">
      <InvitationForm token={decodeURIComponent(token)} />
    </main>
  );
}
