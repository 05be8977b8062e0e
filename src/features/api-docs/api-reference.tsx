import { ERROR_CODES } from '@/server/errors';
import type { OpenApiDocument } from '@/server/api/rest/openapi';

type Json = Record<string, unknown>;

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: Json; description?: string }[];
  requestBody?: { content: { 'application/json': { schema: Json } } };
  responses: Record<string, unknown>;
}

/** A schema's type in one short phrase: `integer 1–100, default 20`, `"a" | "b"`, `object`. */
function typeLabel(s: Json | undefined): string {
  if (!s) return 'any';
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (union) return union.map(typeLabel).join(' | ');
  let t = Array.isArray(s.type) ? s.type.join(' | ') : typeof s.type === 'string' ? s.type : 'any';
  if (t === 'array') t = `array of ${typeLabel(s.items as Json | undefined)}`;
  if (typeof s.format === 'string') t += ` (${s.format})`;
  const min = s.minimum ?? s.minLength ?? s.minItems;
  const max = s.maximum ?? s.maxLength ?? s.maxItems;
  if (typeof max === 'number' && max < Number.MAX_SAFE_INTEGER) t += ` ${min ?? 0}–${max}`;
  if (s.default !== undefined) t += `, default ${JSON.stringify(s.default)}`;
  return t;
}

function Fields({ rows }: { rows: { name: string; where: string; required: boolean; schema: Json; description?: string }[] }) {
  if (rows.length === 0) return null;
  return (
    <table className="table api-fields">
      <thead>
        <tr>
          <th>name</th>
          <th>in</th>
          <th>type</th>
          <th>notes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.where}:${r.name}`}>
            <td className="mono">
              {r.name}
              {r.required ? ' *' : ''}
            </td>
            <td>{r.where}</td>
            <td className="mono small">{typeLabel(r.schema)}</td>
            <td className="small">{r.description ?? (r.schema.description as string | undefined) ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OperationCard({ method, path, op }: { method: string; path: string; op: Operation }) {
  const body = op.requestBody?.content['application/json'].schema;
  const bodyProps = Object.entries((body?.properties ?? {}) as Record<string, Json>);
  const bodyRequired = new Set((body?.required ?? []) as string[]);
  const rows = [
    ...(op.parameters ?? []).map((p) => ({ name: p.name, where: p.in, required: p.required, schema: p.schema, description: p.description })),
    ...bodyProps.map(([name, schema]) => ({ name, where: 'body', required: bodyRequired.has(name), schema })),
  ];
  return (
    <section className="card api-op" id={op.operationId} data-testid="api-operation" data-method={method} data-path={path}>
      <h3 className="mono">
        <span className={`badge api-method api-method-${method}`}>{method.toUpperCase()}</span> /api/v1{path}
      </h3>
      <p>{op.summary}</p>
      <p className="muted small">
        {op.description} {op.security?.length === 0 ? 'No token needed.' : ''}
      </p>
      <Fields rows={rows} />
      <p className="small muted">Answers: {Object.keys(op.responses).join(', ')}</p>
    </section>
  );
}

/** The API reference, rendered on the server from the OpenAPI document (no scripts from elsewhere). */
export function ApiReference({ doc }: { doc: OpenApiDocument }) {
  const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod as Record<string, Operation>).map(([method, op]) => ({ path, method, op })));
  return (
    <div className="container api-reference">
      <div className="page-head">
        <div>
          <h1>{doc.info.title}</h1>
          <p className="lead">{doc.info.description}</p>
          <p className="small">
            The machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI {doc.openapi}).
          </p>
        </div>
      </div>
      {doc.tags.map((tag) => (
        <section key={tag.name} id={`tag-${tag.name}`}>
          <h2>{tag.name}</h2>
          <p className="muted">{tag.description}</p>
          {ops
            .filter(({ op }) => op.tags.includes(tag.name))
            .map(({ path, method, op }) => (
              <OperationCard key={`${method} ${path}`} method={method} path={path} op={op} />
            ))}
        </section>
      ))}
      <section id="problems">
        <h2>Errors</h2>
        <p>
          Every refusal is <span className="mono">application/problem+json</span> (RFC 9457): <span className="mono">type</span>,{' '}
          <span className="mono">title</span>, <span className="mono">status</span>, <span className="mono">detail</span> (what to fix) and{' '}
          <span className="mono">appCode</span>, the code every client reports.
        </p>
        <ul>
          {ERROR_CODES.map((code) => (
            <li key={code} id={`problem-${code.toLowerCase().replaceAll('_', '-')}`} className="mono">
              {code}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
