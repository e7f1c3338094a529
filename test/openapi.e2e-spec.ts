import Ajv2020 from 'ajv/dist/2020';
import { ROUTE_TABLE } from '../src/http/route-table';
import { openApi31DocumentErrors } from './support/openapi-validate';
import { startGateway, type TestGateway } from './support/gateway';

type Json = Record<string, unknown>;
type Operation = {
  requestBody?: { content: Record<string, { schema?: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: Json };

const METHODS = ['get', 'post', 'patch', 'put', 'delete'];
/**
 * Paths served by Nest controllers, documented from their decorators (not the route table's): the
 * admin API, health, metrics, docs, and the key's own info and usage (`/v1/key`, `/v1/usage`).
 */
const NEST_SIDE = /^\/((admin|health|metrics|docs)(\/|$)|(v1\/)?(key|usage)$)/;

describe('/docs-json: OpenAPI 3.1, generated from the route table that serves the dialect routes', () => {
  let gw: TestGateway;
  let doc: Document;

  beforeAll(async () => {
    gw = await startGateway();
    const res = await fetch(`${gw.url}/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('validates against the official OpenAPI 3.1 schemas, and every schema in it compiles with every $ref resolved', () => {
    expect(openApi31DocumentErrors(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    // Nullability is written the 3.1 way (a `null` type), never with 3.0's `nullable`.
    expect(JSON.stringify(doc)).not.toContain('"nullable"');
    // The components as one schema document: compiling each one resolves its references.
    ajv.addSchema({ $id: 'urn:switchboard:docs', components: doc.components }, 'docs');
    const schemas = (doc.components.schemas ?? {}) as Json;
    for (const name of Object.keys(schemas))
      expect(() => ajv.getSchema(`urn:switchboard:docs#/components/schemas/${name}`)).not.toThrow();
    for (const item of Object.values(doc.paths))
      for (const op of Object.values(item))
        for (const schema of schemasOf(op))
          expect(() => ajv.compile({ $ref: absolute(schema.$ref) })).not.toThrow();
  });

  it('lists every route of the table, with typed request, answer and stream schemas', () => {
    for (const entry of ROUTE_TABLE)
      for (const path of entry.paths) {
        const op = doc.paths[path]?.[entry.method.toLowerCase()];
        expect({ path, method: entry.method, documented: op !== undefined }).toEqual({
          path,
          method: entry.method,
          documented: true,
        });
        const answer = op!.responses['200'].content!;
        expect(answer['application/json'].schema).toEqual({ $ref: `#/components/schemas/${entry.response}` });
        if (entry.stream)
          expect(answer['text/event-stream'].schema).toEqual({
            $ref: `#/components/schemas/${entry.stream}`,
          });
        const body = op!.requestBody?.content;
        if (entry.request)
          expect(Object.values(body ?? {})[0]?.schema).toEqual({
            $ref: `#/components/schemas/${entry.request}`,
          });
        else expect(body).toBeUndefined();
      }
  });

  it('documents no dialect route that the table does not serve', () => {
    const table = new Set(ROUTE_TABLE.flatMap((e) => e.paths.map((p) => `${e.method} ${p}`)));
    const documented = Object.entries(doc.paths)
      .filter(([path]) => !NEST_SIDE.test(path))
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      );
    expect(documented.filter((r) => !table.has(r))).toEqual([]);
    expect(documented.length).toBe(table.size);
  });

  it('serves every route of the table (with a valid key, no route answers the 404 of an unknown path)', async () => {
    const unknown = await call('POST', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
    for (const entry of ROUTE_TABLE)
      for (const path of entry.paths) {
        const concrete = path.replace('{model}', 'demo').replace('{id}', 'missing');
        const res = await call(entry.method, concrete, entry.body === 'json' ? {} : undefined);
        expect({ route: `${entry.method} ${path}`, unknownRoute: res.text === unknown.text }).toEqual({
          route: `${entry.method} ${path}`,
          unknownRoute: false,
        });
      }
  });

  it('answers HEAD on a GET route of the table as GET, without a body', async () => {
    const res = await fetch(`${gw.url}/v1/models`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${gw.masterKey}` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${gw.masterKey}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = (await res.text()).replace(/"request_id":"[^"]*"|req_[0-9a-z-]+/g, '');
    return { status: res.status, text: text.replace(path, '') };
  }
});

/** The schemas an operation names for its bodies. */
function schemasOf(op: Operation): Json[] {
  const out: Json[] = [];
  for (const c of Object.values(op.requestBody?.content ?? {})) if (c.schema?.$ref) out.push(c.schema);
  for (const r of Object.values(op.responses))
    for (const c of Object.values(r.content ?? {})) if (c.schema?.$ref) out.push(c.schema);
  return out;
}

function absolute(ref: unknown): string {
  return `urn:switchboard:docs${String(ref)}`;
}
