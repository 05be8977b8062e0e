import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDbDeps } from '../deps';
import { authenticate, upsertExternalUser } from '../users/users.service';

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

export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt' },
  pages: { signIn: '/signin' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        if (!credentials?.email || !credentials.password) return null;
        const viewer = await authenticate(getDbDeps(), null, { email: credentials.email, password: credentials.password });
        return viewer ? { id: viewer.id, email: viewer.email, role: viewer.role } : null;
      },
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    async jwt({ token, user, account }) {
      // Accounts from the identity provider get a local user row keyed by email.
      if (account?.provider === 'oidc' && user?.email) {
        const viewer = await upsertExternalUser(getDbDeps(), null, { email: user.email, name: user.name ?? null });
        token.sub = viewer.id;
      }
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
      return session;
    },
  },
};

