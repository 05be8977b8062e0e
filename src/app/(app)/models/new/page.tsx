import type { Metadata } from 'next';
import { Suspense } from 'react';
import { OnboardingWizard } from '@/features/onboarding/onboarding-wizard';

export const metadata: Metadata = { title: 'Register a model' };

export default function NewModelPage() {
  // The wizard reads ?slug=…&version=…&step=… on the client, so moving between steps needs no server round trip.
  return (
    <Suspense>
      <OnboardingWizard />
    </Suspense>
  );
}
