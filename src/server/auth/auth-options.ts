import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDbDeps } from '../deps';
import { isAppError } from '../errors';
import { clientAddress } from '../api/client-address';
import { sessionMaxAgeSeconds } from '../users/auth-settings';
import { endSession, startSession } from '../users/sessions.service';
import { upsertExternalUser } from '../users/signup.service';
import { authenticate, viewerFromSession } from '../users/users.service';

/** A generic OpenID Connect provider, switched on by OIDC_ISSUER + OIDC_CLIENT_ID + OIDC_CLIENT_SECRET. */
function oidcProvider(): NextAuthOptions['providers'] {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME } = process.env;
  if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: 'oidc',
      name: OIDC_NAME ?? 'Single sign-on',
      type: 'oauth',
      wellKnown: `${OIDC_ISSUER.replace(/\/$/, '')}/.well-known/openid-configuration`,
      clientId: OIDC_CLIENT_ID,
      clientSecret: OIDC_CLIENT_SECRET,
      authorization: { params: { scope: 'openid email profile' } },
      idToken: true,
      checks: ['pkce', 'state'],
      profile(profile: { sub: string; email: string; name?: string }) {
        return { id: profile.sub, email: profile.email, name: profile.name ?? null };
      },
    },
  ];
}

const header = (headers: unknown, name: string): string | null => {
  if (headers instanceof Headers) return headers.get(name);
  const v = (headers as Record<string, string | string[] | undefined> | undefined)?.[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
};

/** What the sign-in request said about its client, carried to the session row. */
interface SignedInUser {
  id: string;
  email?: string | null;
  gatewayId?: string;
  ip?: string | null;
  userAgent?: string | null;
}

/** Thrown when a cookie names a session that has ended: next-auth then clears the cookie. */
class SessionEnded extends Error {
  constructor() {
    super('the session has ended (signed out, revoked or expired)');
  }
}

export const authOptions: NextAuthOptions = {
  // The cookie is a signed JWT that names a session row; the row decides (src/server/users/sessions.service.ts).
  session: { strategy: 'jwt', maxAge: sessionMaxAgeSeconds() },
  pages: { signIn: '/signin' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const ip = clientAddress(new Headers(Object.entries((req.headers ?? {}) as Record<string, string>)));
        try {
          const viewer = await authenticate(getDbDeps(), null, { email: credentials.email, password: credentials.password, ip });
          if (!viewer) return null;
          const user: SignedInUser = { id: viewer.id, email: viewer.email, ip, userAgent: header(req.headers, 'user-agent') };
          return user;
        } catch (e) {
          // A lockout says so (the same words for every email), as the error the sign-in form shows.
          if (isAppError(e) && e.code === 'RATE_LIMITED') throw new Error(`RATE_LIMITED: ${e.message}`);
          throw e;
        }
      },
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    async signIn({ user, account }) {
      // Accounts from the identity provider get a local account keyed by email, under the sign-up policy.
      if (account?.provider !== 'oidc') return true;
      if (!user?.email) return false;
      try {
        const viewer = await upsertExternalUser(getDbDeps(), null, { email: user.email, name: user.name ?? null });
        (user as SignedInUser).gatewayId = viewer.id;
        return true;
      } catch (e) {
        if (isAppError(e) && e.code === 'FORBIDDEN') return false;
        throw e;
      }
    },
    async jwt({ token, user }) {
      if (user) {
        const u = user as SignedInUser;
        const userId = u.gatewayId ?? u.id;
        const session = await startSession(getDbDeps(), { userId, ip: u.ip ?? null, userAgent: u.userAgent ?? null, maxAgeSeconds: sessionMaxAgeSeconds() });
        return { ...token, sub: userId, sid: session.id };
      }
      if (typeof token.sid !== 'string' || !(await viewerFromSession(getDbDeps(), token.sid))) throw new SessionEnded();
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (typeof token?.sid === 'string') await endSession(getDbDeps(), token.sid);
    },
  },
  logger: {
    error(code, metadata) {
      const cause = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
      if (code === 'JWT_SESSION_ERROR' && cause instanceof SessionEnded) return;
      console.error(`[next-auth] ${code}`, metadata);
    },
  },
};
