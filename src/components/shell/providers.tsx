'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from '@trpc/client';
import { SessionProvider } from 'next-auth/react';
import { useState, type ReactNode } from 'react';
import { makeQueryClient } from '@/lib/query-client';
import { TRPCProvider } from '@/lib/trpc';
import type { AppRouter } from '@/server/api/root';

const url = '/api/trpc';
// Names the channel of calls made before a session exists (sign-up); a session cookie decides after.
const headers = { 'x-gateway-client': 'web' };

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // A pasted library or dataset can be megabytes: send those on their own, not in a batch.
        splitLink({
          condition: (op) => op.path === 'jobs.create' || op.path === 'datasets.upload',
          true: httpLink({ url, headers }),
          false: httpBatchLink({ url, headers, maxURLLength: 2000 }),
        }),
      ],
    }),
  );
  return (
    <SessionProvider>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </SessionProvider>
  );
}
