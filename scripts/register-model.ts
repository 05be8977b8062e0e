/**
 * `npm run models:register -- <folder | bundle.tar.gz | bundle.zip> [--draft] [--alias production]`:
 * uploads the model (a folder is packed into a .tar.gz) as a bundle and registers the model.json
 * inside it with a running gateway through the SDK (GATEWAY_URL, GATEWAY_TOKEN). The example is
 * smoke-tested on the gateway's worker, in its sandbox, before the version is published.
 */
import { createGatewayClient, GatewayError } from '../clients/typescript/src';

const args = process.argv.slice(2);
const source = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--alias');
const aliases = args.flatMap((a, i) => (a === '--alias' && args[i + 1] ? [args[i + 1]] : []));
const url = process.env.GATEWAY_URL ?? 'http://localhost:3000';
const token = process.env.GATEWAY_TOKEN;

if (!source || !token) {
  console.error('usage: GATEWAY_TOKEN=mgw_… [GATEWAY_URL=http://localhost:3000] npm run models:register -- <folder | bundle.tar.gz | bundle.zip> [--draft] [--alias production]');
  console.error('Create a token on the gateway\'s settings page. The folder (or archive) holds the program and its model.json.');
  process.exit(2);
}

try {
  const gw = createGatewayClient({ url, token });
  const r = await gw.registerFromManifest(source, { publish: !args.includes('--draft'), aliases });
  const smoke = r.smokeTest;
  const runtime = r.version.runtime as { bundle?: string };
  console.log(`${r.slug}@${r.version.version}: ${r.outcome} (status ${r.version.status})${runtime.bundle ? `, bundle ${runtime.bundle}` : ''}`);
  if (smoke) console.log(smoke.ok ? `smoke test passed: ${JSON.stringify(smoke.output)}` : `smoke test failed (${smoke.code}): ${smoke.message}`);
  process.exit(smoke && !smoke.ok ? 1 : 0);
} catch (e) {
  console.error(e instanceof GatewayError ? `${e.code}: ${e.message}` : e);
  process.exit(1);
}
