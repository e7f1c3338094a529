import { startGateway, type TestGateway } from './support/gateway';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

/** Follows a `#/components/schemas/<name>` reference (once: component schemas here are not aliases). */
function resolve(doc: Json, schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  return ((doc.components as Json).schemas as Record<string, Json>)[name] ?? {};
}

/**
 * Why a 2xx JSON response schema cannot generate a typed client (undefined when it can): it must be
 * a named component (or `oneOf` of them) whose properties are listed, every property with a type.
 */
function untyped(doc: Json, schema: Json | undefined): string | undefined {
  if (!schema) return 'no schema';
  if (Array.isArray(schema.oneOf))
    return (schema.oneOf as Json[]).map((s) => untyped(doc, s)).find((why) => why !== undefined);
  if (typeof schema.$ref !== 'string') return `an inline schema, not a component: ${JSON.stringify(schema)}`;
  const target = resolve(doc, schema);
  const props = target.properties as Record<string, Json> | undefined;
  if (!props || Object.keys(props).length === 0) return `${schema.$ref} lists no properties`;
  for (const [name, prop] of Object.entries(props))
    if (!prop.type && !prop.$ref && !prop.oneOf && !prop.allOf && !prop.anyOf && prop.enum === undefined)
      return `${schema.$ref}.${name} has no type`;
  return undefined;
}

/**
 * The Nest side of /docs-json (admin API, health, the key's own info and usage): typed answers a
 * client can be generated from. The document as a whole is validated by openapi.e2e-spec.ts.
 */
describe('/docs-json: the admin API, health and self-service answers are typed', () => {
  let gw: TestGateway;
  let doc: Json;

  beforeAll(async () => {
    gw = await startGateway();
    const res = await fetch(`${gw.url}/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Json;
  });
  afterAll(() => gw?.close());

  it('gives every /admin operation a typed 2xx response (a named schema listing typed properties)', () => {
    const paths = doc.paths as Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
    const admin = Object.keys(paths).filter((p) => p.startsWith('/admin/'));
    expect(admin.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const path of admin)
      for (const method of METHODS) {
        const op = paths[path][method];
        if (!op) continue;
        const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
        if (ok.length === 0) problems.push(`${method.toUpperCase()} ${path}: no 2xx response`);
        for (const [status, response] of ok) {
          if (status === '204') continue;
          const why = untyped(doc, response.content?.['application/json']?.schema);
          if (why) problems.push(`${method.toUpperCase()} ${path} ${status}: ${why}`);
        }
      }
    expect(problems).toEqual([]);
  });

  it('describes the self-service and health answers with named schemas too', () => {
    const paths = doc.paths as Record<string, { get?: Operation }>;
    for (const path of ['/v1/key', '/v1/usage', '/health/live', '/health/ready']) {
      const schema = paths[path]?.get?.responses?.['200']?.content?.['application/json']?.schema;
      expect({ path, why: untyped(doc, schema) }).toEqual({ path, why: undefined });
    }
  });

  it('gives every enum values of its own type (no `type: number` listing `true`)', () => {
    const JS_TYPE: Record<string, string> = {
      string: 'string',
      number: 'number',
      integer: 'number',
      boolean: 'boolean',
    };
    const mismatches: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${path}/${i}`));
      if (!node || typeof node !== 'object') return;
      const s = node as Json;
      if (Array.isArray(s.enum) && typeof s.type === 'string' && JS_TYPE[s.type])
        for (const v of s.enum as unknown[])
          if (typeof v !== JS_TYPE[s.type as string])
            mismatches.push(`${path}: ${JSON.stringify(v)} is not ${s.type}`);
      for (const [k, v] of Object.entries(s)) walk(v, `${path}/${k}`);
    };
    walk(doc, '');
    expect(mismatches).toEqual([]);
  });

  it('never describes a secret in a response, except the plaintext key and webhook secret of create and rotate', () => {
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    const secretNames = ['api_key', 'key_hash', 'webhook_secret', 'key', 'previous_key_hash'];
    const carriers = Object.entries(schemas)
      .filter(([name]) => /Response$|Page$/.test(name))
      .filter(([, s]) => secretNames.some((f) => f in ((s.properties as Json | undefined) ?? {})))
      .map(([name]) => name);
    expect(carriers).toEqual(['KeyWithSecretsResponse']);
  });
});
