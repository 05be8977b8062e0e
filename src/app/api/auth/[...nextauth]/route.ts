import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { clientAddress } from '@/server/api/client-address';
import { errorResponse } from '@/server/api/http-errors';
import { edgeLimiters } from '@/server/api/trpc';
import { authOptions } from '@/server/auth/auth-options';
import { AppError } from '@/server/errors';

const handler = NextAuth(authOptions);

type RouteContext = { params: Promise<{ nextauth: string[] }> };

/** Sign-in, sign-out and session reads, rate-limited per address (failed sign-ins also lock out: src/server/users/users.service.ts). */
async function limited(req: NextRequest, ctx: RouteContext) {
  const taken = edgeLimiters.auth.take(`ip:${clientAddress(req.headers)}`);
  if (!taken.ok) {
    return errorResponse(new AppError('RATE_LIMITED', `too many requests from this address; try again in ${taken.retryAfterSeconds} s`), {
      'retry-after': String(taken.retryAfterSeconds),
    });
  }
  return handler(req, ctx);
}

export { limited as GET, limited as POST };
