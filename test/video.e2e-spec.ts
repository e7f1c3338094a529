import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GoogleGenAI } from '@google/genai';
import OpenAI, { toFile } from 'openai';
import { startFakeServer, type FakeServer } from './fakes/fake-http';
import { startFakeVideo, type FakeVideo } from './fakes/fake-video';
import { AdminClient } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';
import { FAST_VIDEO_POLLS, videoCatalogYaml } from './support/video-catalog';

interface UsageLog {
  id: string;
  endpoint: string;
  model: string;
  status_code: number;
  error_type: string | null;
  video_seconds: string;
  cost_usd: string;
  key_id: string | null;
}

/**
 * Video tasks end to end: real Postgres, Redis and BullMQ, the fake providers walking each task
 * through its lifecycle in their own wire formats, official SDKs as clients.
 */
describe('video tasks', () => {
  let fake: FakeVideo;
  let hooks: FakeServer;
  let gw: TestGateway;
  let admin: AdminClient;
  let key: { id: string; key: string; webhook_secret: string };
  let openai: OpenAI;
  const hookCalls: Array<{ body: string; signature: string | undefined; status: number }> = [];
  let hookFailures = 0;

  beforeAll(async () => {
    fake = await startFakeVideo();
    hooks = await startFakeServer(async (req, res) => {
      const status = hookFailures > 0 ? 500 : 200;
      if (hookFailures > 0) hookFailures--;
      hookCalls.push({
        body: req.raw.toString('utf8'),
        signature: req.headers['x-switchboard-signature'] as string | undefined,
        status,
      });
      res.writeHead(status).end();
    });
    const yaml = videoCatalogYaml(fake);
    gw = await startGateway({
      yaml,
      env: {
        ...FAST_VIDEO_POLLS,
        // @google/genai's files.download reads the file id only from an https URI (contract §5).
        SWITCHBOARD_PUBLIC_URL: 'https://gateway.example',
      },
    });
    admin = new AdminClient(gw.url, gw.masterKey);
    key = await admin.createKey({ name: 'video' });
    openai = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await fake?.close();
    await hooks?.close();
  });

  async function logsOf(model: string): Promise<UsageLog[]> {
    const res = await admin.request<{ data: UsageLog[] }>(
      'GET',
      `/admin/usage/logs?model=${model}&limit=100`,
    );
    return res.body.data;
  }

  async function completed(id: string) {
    return eventually(async () => {
      const v = await openai.videos.retrieve(id);
      return v.status === 'completed' || v.status === 'failed' ? v : undefined;
    });
  }

  it.each([
    ['sora-2', 'sora', '4', '0.4'],
    ['kling-v2-1-master', 'kling', '5', '1.4'],
    ['seedance-1-0-pro-250528', 'seedance', '5', '0.27'],
    ['veo-3.0-generate-001', 'veo', '8', '3.2'],
  ])(
    'OpenAI SDK videos API on %s: create, poll, content equal to the fake, charged once',
    async (model, provider, seconds, cost) => {
      const created = await openai.videos.create({
        model: model as 'sora-2',
        prompt: 'a lighthouse at dawn',
        seconds: seconds as '4',
        size: '1280x720',
      });
      expect(created).toMatchObject({ object: 'video', model, status: 'queued' });
      expect(created.id).toMatch(/^video_[0-9a-f]{32}$/);
      const done = await completed(created.id);
      expect(done.status).toBe('completed');

      const upstream = fake.tasks.filter((t) => t.provider === provider).at(-1)!;
      const content = await openai.videos.downloadContent(created.id);
      expect(Buffer.from(await content.arrayBuffer()).equals(fake.bytesOf(upstream.id))).toBe(true);

      const logs = await eventually(async () => {
        const l = (await logsOf(model)).filter((r) => r.status_code === 200);
        return l.length > 0 ? l : undefined;
      });
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ endpoint: 'videos', key_id: key.id });
      expect(logs[0].cost_usd).toBe(cost);
    },
  );

  it('content honours Range (206) so a player can seek', async () => {
    const created = await openai.videos.create({ model: 'sora-2', prompt: 'waves', seconds: '4' });
    await completed(created.id);
    const upstream = fake.tasks.filter((t) => t.provider === 'sora').at(-1)!;
    const res = await fetch(`${gw.url}/v1/videos/${created.id}/content`, {
      headers: { authorization: `Bearer ${key.key}`, range: 'bytes=100-1099' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toMatch(/^bytes 100-1099\//);
    const part = Buffer.from(await res.arrayBuffer());
    expect(part.equals(fake.bytesOf(upstream.id).subarray(100, 1100))).toBe(true);
  });

  it('a provider failure is not charged: one record with cost 0', async () => {
    fake.next({ provider: 'kling', outcome: { kind: 'fail', message: 'prompt rejected' } });
    const created = await openai.videos.create({
      model: 'kling-v2-1-master' as 'sora-2',
      prompt: 'fail please',
      seconds: '5' as '4',
    });
    const done = await completed(created.id);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toContain('prompt rejected');
    const failed = await eventually(async () => {
      const l = (await logsOf('kling-v2-1-master')).filter((r) => r.status_code !== 200);
      return l.length > 0 ? l : undefined;
    });
    expect(failed).toHaveLength(1);
    expect(failed[0].cost_usd).toBe('0');
  });

  it('@google/genai: generateVideos, getVideosOperation until done, files.download', async () => {
    const ai = new GoogleGenAI({ apiKey: key.key, httpOptions: { baseUrl: gw.url } });
    let op = await ai.models.generateVideos({
      model: 'veo-3.0-generate-001',
      source: { prompt: 'a paper boat' },
      config: { durationSeconds: 8, aspectRatio: '16:9' },
    });
    expect(op.name).toMatch(/^models\/veo-3\.0-generate-001\/operations\/[0-9a-f]{32}$/);
    op = await eventually(async () => {
      const o = await ai.operations.getVideosOperation({ operation: op });
      return o.done ? o : undefined;
    });
    const video = op.response?.generatedVideos?.[0]?.video;
    expect(video?.uri).toMatch(
      /^https:\/\/gateway\.example\/v1beta\/files\/[0-9a-f]{32}v0:download\?alt=media$/,
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'veo-'));
    const file = path.join(dir, 'out.mp4');
    await ai.files.download({ file: video!, downloadPath: file });
    await eventually(async () => {
      try {
        return readFileSync(file).length > 0;
      } catch {
        return false;
      }
    });
    const upstream = fake.tasks.filter((t) => t.provider === 'veo').at(-1)!;
    expect(readFileSync(file).equals(fake.bytesOf(upstream.id))).toBe(true);
  });

  it('Kling native: text2video in its envelope, polled to succeed with the provider URL', async () => {
    const res = await fetch(`${gw.url}/kling/v1/videos/text2video`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_name: 'kling-v2-1-master', prompt: 'a fox', duration: '5', mode: 'pro' }),
    });
    expect(res.status).toBe(200);
    const env = (await res.json()) as { code: number; data: { task_id: string; task_status: string } };
    expect(env).toMatchObject({ code: 0, data: { task_status: 'submitted' } });
    const done = await eventually(async () => {
      const r = await fetch(`${gw.url}/kling/v1/videos/text2video/${env.data.task_id}`, {
        headers: { authorization: `Bearer ${key.key}` },
      });
      const body = (await r.json()) as {
        data: { task_status: string; task_result?: { videos: Array<{ url: string }> } };
      };
      return body.data.task_status === 'succeed' ? body : undefined;
    });
    expect(done.data.task_result?.videos[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
    const wrongRoute = await fetch(`${gw.url}/kling/v1/videos/image2video/nope`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(wrongRoute.status).toBe(404);
    expect(await wrongRoute.json()).toMatchObject({ code: 1203 });
  });

  it('Seedance native: create, get, list; DELETE cancels a queued task uncharged', async () => {
    const h = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' };
    const base = `${gw.url}/seedance/api/v3/contents/generations/tasks`;
    const create = (text: string) =>
      fetch(base, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ model: 'seedance-1-0-pro-250528', content: [{ type: 'text', text }] }),
      });
    const res = await create('a kite --rs 720p --dur 5');
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^cgt-/);
    const done = await eventually(async () => {
      const t = (await (await fetch(`${base}/${id}`, { headers: h })).json()) as {
        status: string;
        content?: { video_url: string };
      };
      return t.status === 'succeeded' ? t : undefined;
    });
    expect(done.content?.video_url).toMatch(/^http:\/\//);
    const list = (await (await fetch(`${base}?page_size=50`, { headers: h })).json()) as {
      items: Array<{ id: string }>;
      total: number;
    };
    expect(list.items.map((t) => t.id)).toContain(id);

    fake.next({ provider: 'seedance', queuedPolls: 1000 });
    const queued = (await (await create('never starts')).json()) as { id: string };
    const del = await fetch(`${base}/${queued.id}`, { method: 'DELETE', headers: h });
    expect(del.status).toBe(200);
    const after = (await (await fetch(`${base}/${queued.id}`, { headers: h })).json()) as { status: string };
    expect(after.status).toBe('cancelled');
  });

  it('a callback arrives signed with the key’s webhook secret, and is retried after a 500', async () => {
    hookFailures = 1;
    const before = hookCalls.length;
    const res = await fetch(`${gw.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sora-2',
        prompt: 'hook',
        seconds: '4',
        callback_url: `${hooks.baseUrl}/hook?t=1`,
      }),
    });
    const created = (await res.json()) as { id: string };
    await eventually(async () => hookCalls.length >= before + 2, 15_000);
    const [first, second] = hookCalls.slice(before);
    expect(first.status).toBe(500);
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
    const expected = `sha256=${createHmac('sha256', key.webhook_secret).update(second.body).digest('hex')}`;
    expect(second.signature).toBe(expected);
    expect(JSON.parse(second.body)).toMatchObject({ id: created.id, status: 'completed' });
  });

  it('an Idempotency-Key repeat answers the same task, not a second job', async () => {
    const submitsBefore = fake.submits.sora;
    const body = JSON.stringify({ model: 'sora-2', prompt: 'once', seconds: '4' });
    const headers = {
      authorization: `Bearer ${key.key}`,
      'content-type': 'application/json',
      'idempotency-key': 'k-1',
    };
    const a = (await (await fetch(`${gw.url}/v1/videos`, { method: 'POST', headers, body })).json()) as {
      id: string;
    };
    const b = (await (await fetch(`${gw.url}/v1/videos`, { method: 'POST', headers, body })).json()) as {
      id: string;
    };
    expect(b.id).toBe(a.id);
    expect(fake.submits.sora).toBe(submitsBefore + 1);
  });

  it('another key cannot see the task (404), and bad input names the field', async () => {
    const other = await admin.createKey({ name: 'other' });
    const created = await openai.videos.create({ model: 'sora-2', prompt: 'mine', seconds: '4' });
    const res = await fetch(`${gw.url}/v1/videos/${created.id}`, {
      headers: { authorization: `Bearer ${other.key}` },
    });
    expect(res.status).toBe(404);
    const bad = await fetch(`${gw.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sora-2', prompt: 'x', size: '3x3' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { param: 'size' } });
    const seconds = await fetch(`${gw.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'kling-v2-1-master', prompt: 'x', seconds: '7' }),
    });
    expect(seconds.status).toBe(400);
    expect(await seconds.json()).toMatchObject({ error: { param: 'seconds' } });
  });

  it('remix, list and delete on the unified API; a form upload reaches Kling image-to-video', async () => {
    const source = await openai.videos.create({ model: 'sora-2', prompt: 'a cat', seconds: '4' });
    await completed(source.id);
    const remix = await openai.videos.remix(source.id, { prompt: 'a cat in the rain' });
    expect(remix).toMatchObject({ remixed_from_video_id: source.id, model: 'sora-2' });
    expect((await completed(remix.id)).status).toBe('completed');
    const upstreamRemix = fake.tasks.filter((t) => t.provider === 'sora').at(-1)!;
    expect(upstreamRemix.params.remixedFrom).toBeDefined();

    const page = await openai.videos.list({ limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.data[0].id).toBe(remix.id);
    const deleted = await openai.videos.delete(remix.id);
    expect(deleted).toMatchObject({ id: remix.id, deleted: true });
    await expect(openai.videos.retrieve(remix.id)).rejects.toMatchObject({ status: 404 });

    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const fromImage = await openai.videos.create({
      model: 'kling-v2-1-master' as 'sora-2',
      prompt: 'it moves',
      seconds: '5' as '4',
      input_reference: await toFile(png, 'frame.png', { type: 'image/png' }),
    });
    expect((await completed(fromImage.id)).status).toBe('completed');
    const upstream = fake.tasks.filter((t) => t.provider === 'kling').at(-1)!;
    expect(upstream.route).toBe('image2video');
    expect((upstream.body as { image: string }).image).toBe(png.toString('base64'));
  });

  it('Veo fetchPredictOperation answers the same operation; usage summary and metrics carry video', async () => {
    const ai = new GoogleGenAI({ apiKey: key.key, httpOptions: { baseUrl: gw.url } });
    const op = await ai.models.generateVideos({ model: 'veo-3.0-generate-001', source: { prompt: 'x' } });
    const res = await fetch(`${gw.url}/v1beta/models/veo-3.0-generate-001:fetchPredictOperation`, {
      method: 'POST',
      headers: { 'x-goog-api-key': key.key, 'content-type': 'application/json' },
      body: JSON.stringify({ operationName: op.name }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }).name).toBe(op.name);

    const summary = await admin.request<{ totals: { video_seconds: string; cost_usd: string } }>(
      'GET',
      `/admin/usage/summary?key_id=${key.id}`,
    );
    expect(Number(summary.body.totals.video_seconds)).toBeGreaterThan(0);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_video_tasks\{status="completed"\} [1-9]/);
    expect(metrics).toMatch(/switchboard_video_polls_total\{provider="kling",result="ok"\} [1-9]/);
    expect(metrics).toContain('switchboard_video_poll_queue_depth');
  });
});
