import { QueryClient } from '@tanstack/react-query';
import { errorStatus } from './errors';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx will not get better by asking again; only retry server and network failures.
        retry: (count, err) => (errorStatus(err) ?? 500) >= 500 && count < 2,
      },
    },
  });
}
