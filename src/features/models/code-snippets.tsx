'use client';

import { useEffect, useState } from 'react';
import { CopyButton } from '@/components/ui/copy-button';

interface Props {
  slug: string;
  example: Record<string, unknown>;
}

export function CodeSnippets({ slug, example }: Props) {
  // The origin is only known in the browser; render a placeholder on the server.
  const [origin, setOrigin] = useState('https://gateway.example.com');
  useEffect(() => setOrigin(window.location.origin), []);

  const body = JSON.stringify({ input: example });
  const curl = [
    `curl -s -X POST ${origin}/api/v1/models/${encodeURIComponent(slug)}/predict \\`,
    `  -H "Authorization: Bearer $TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${body.replace(/'/g, "'\\''")}'`,
  ].join('\n');
  const sdk = [
    `import { createGatewayClient } from '@model-gateway/sdk';`,
    ``,
    `const gateway = createGatewayClient({ url: '${origin}', token: process.env.GATEWAY_TOKEN! });`,
    ``,
    `const one = await gateway.models.predict('${slug}', ${JSON.stringify(example)});`,
    `console.log(one.output);`,
    ``,
    `// A library: submit a job, wait for it, stream the results.`,
    `const job = await gateway.jobs.submit({ model: '${slug}', inputs: [${JSON.stringify(example)}] });`,
    `await gateway.jobs.wait(job.id);`,
    `for await (const r of gateway.jobs.allResults(job.id)) console.log(r.index, r.output ?? r.error);`,
  ].join('\n');
  const cli = [
    `export MODEL_GATEWAY_URL=${origin} MODEL_GATEWAY_TOKEN=$TOKEN`,
    `npx model-gateway predict ${slug} '${String(example.smiles ?? JSON.stringify(example)).replace(/'/g, "'\\''")}'`,
    `npx model-gateway screen ${slug} library.smi --out results.csv`,
  ].join('\n');

  return (
    <div className="snippets">
      <Snippet title="curl" code={curl} testId="snippet-curl" />
      <Snippet title="TypeScript SDK" code={sdk} testId="snippet-sdk" />
      <Snippet title="CLI" code={cli} testId="snippet-cli" />
      <p className="muted small">
        Create a token on the <a href="/settings">settings</a> page and export it as <code>TOKEN</code> /{' '}
        <code>GATEWAY_TOKEN</code>.
      </p>
    </div>
  );
}

function Snippet({ title, code, testId }: { title: string; code: string; testId: string }) {
  return (
    <div className="snippet">
      <div className="snippet-head">
        <span>{title}</span>
        <CopyButton text={code} testId={`${testId}-copy`} />
      </div>
      <pre className="code" data-testid={testId}>
        {code}
      </pre>
    </div>
  );
}
