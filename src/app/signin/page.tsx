import type { Metadata } from 'next';
import { safeCallbackUrl } from '@/features/account/safe-callback';
import { SignInForm } from '@/features/account/sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { callbackUrl, setup } = await searchParams;
  return (
    <main className="auth-page">
      <SignInForm callbackUrl={safeCallbackUrl(callbackUrl)} setupToken={typeof setup === 'string' ? setup : undefined} />
    </main>
  );
}
