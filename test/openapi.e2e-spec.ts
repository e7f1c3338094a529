import Ajv2020 from 'ajv/dist/2020';
import { randomBytes } from 'node:crypto';
import { PrismaService } from '../src/database/prisma.service';
import { BINARY_ANSWERS, TEXT_ALTERNATIVES } from '../src/http/openapi/route-openapi';
import { ROUTE_TABLE } from '../src/http/route-table';
import { openApi31DocumentErrors } from './support/openapi-validate';
import { startGateway, type TestGateway } from './support/gateway';

type Json = Record<string, unknown>;
type Operation = {
  requestBody?: { content: Record<string, { schema?: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Json } & Json;
};

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
        // Bytes are answered with their media type (video also 206 for a byte range), everything else
        // as JSON (transcripts also as text).
        const media = BINARY_ANSWERS[entry.response] ?? 'application/json';
        const text = TEXT_ALTERNATIVES[entry.response];
        expect(Object.keys(answer).filter((m) => m !== 'text/event-stream')).toEqual(
          text ? [media, text] : [media],
        );
        expect(answer[media].schema).toEqual({ $ref: `#/components/schemas/${entry.response}` });
        if (media === 'video/mp4') expect(op!.responses['206'].content).toEqual(answer);
        expect(doc.components.schemas).toHaveProperty(entry.response);
        if (entry.request) expect(doc.components.schemas).toHaveProperty(entry.request);
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

  it('answers the video routes in the shapes the document gives them, errors included', async () => {
    const db = gw.app.get(PrismaService);
    const id = randomBytes(16).toString('hex');
    const failed = randomBytes(16).toString('hex');
    for (const [taskId, status] of [
      [id, 'completed'],
      [failed, 'failed'],
    ] as const)
      await db.videoTask.create({
        data: {
          id: taskId,
          model: 'video-public',
          deploymentId: 'dep-1',
          provider: 'kling',
          upstreamModel: 'kling-v2-master',
          upstreamTaskId: `up-${taskId}`,
          upstreamRoute: 'text2video',
          dialect: 'kling',
          status,
          progress: status === 'completed' ? 100 : 10,
          request: { prompt: 'a cat', durationSeconds: 5, resolution: '720p', aspectRatio: '16:9' },
          result: { outputs: [{ url: 'https://cdn.example/v.mp4', durationSeconds: '5' }] },
          ...(status === 'failed' ? { error: { code: 'upstream_error', message: 'it failed' } } : {}),
          seconds: '5',
          size: '1280x720',
          settlement: status === 'completed' ? 'charged' : 'released',
          completedAt: new Date(),
        },
      });
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: 'urn:switchboard:answers', components: doc.components });
    const expectAnswer = async (method: string, path: string, status: number, body?: unknown) => {
      const res = await fetch(`${gw.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${gw.masterKey}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const template = templateOf(method, path);
      const op = doc.paths[template][method.toLowerCase()];
      const answer = status === 200 ? op.responses['200'] : op.responses.default;
      const ref = answer.content!['application/json'].schema!.$ref;
      const validate = ajv.compile({ $ref: `urn:switchboard:answers${String(ref)}` });
      const json: unknown = await res.json();
      expect({ path, status: res.status, errors: validate(json) ? [] : validate.errors }).toEqual({
        path,
        status,
        errors: [],
      });
      return json;
    };
    for (const task of [id, failed]) {
      await expectAnswer('GET', `/v1/videos/video_${task}`, 200);
      await expectAnswer('GET', `/kling/v1/videos/text2video/${task}`, 200);
      await expectAnswer('GET', `/seedance/api/v3/contents/generations/tasks/cgt-${task}`, 200);
      await expectAnswer('GET', `/v1beta/models/video-public/operations/${task}`, 200);
      await expectAnswer('POST', '/v1beta/models/video-public:fetchPredictOperation', 200, {
        operationName: `models/video-public/operations/${task}`,
      });
    }
    expect(await expectAnswer('GET', '/v1/videos', 200)).toMatchObject({ data: [{}, {}] });
    expect(await expectAnswer('GET', '/seedance/api/v3/contents/generations/tasks', 200)).toMatchObject({
      total: 0,
    });
    const missing = randomBytes(16).toString('hex');
    await expectAnswer('GET', `/v1/videos/video_${missing}`, 404);
    await expectAnswer('GET', `/kling/v1/videos/image2video/${missing}`, 404);
    await expectAnswer('POST', '/kling/v1/videos/text2video', 400, { model_name: 'video-public' });
    await expectAnswer('GET', `/seedance/api/v3/contents/generations/tasks/cgt-${missing}`, 404);
    await expectAnswer('POST', '/seedance/api/v3/contents/generations/tasks', 400, { model: 'x' });
    await expectAnswer('GET', `/v1beta/models/video-public/operations/${missing}`, 404);
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

/** The route-table path template a concrete path was made from. */
function templateOf(method: string, path: string): string {
  const entry = ROUTE_TABLE.flatMap((e) => (e.method === method ? e.paths : [])).find((p) =>
    new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  if (!entry) throw new Error(`no route-table path for ${method} ${path}`);
  return entry;
}

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
