import OpenAI, { toFile } from 'openai';
import type { HttpRequestSpec, ProviderContext, ProviderId } from '../../src/providers/core/adapter';
import type { VideoCodec, VideoRequest, VideoTaskRef } from '../../src/providers/core/video';
import { klingJwt } from '../../src/providers/kling/kling.jwt';
import { klingVideoCodec } from '../../src/providers/kling/kling.video';
import { seedanceVideoCodec } from '../../src/providers/seedance/seedance.video';
import { veoVideoCodec } from '../../src/providers/veo/veo.video';
import { FAKE_VIDEO_KEYS, startFakeVideo, type FakeVideo, type VideoProvider } from './fake-video';

type Answer = { status: number; headers: Headers; body: unknown };

/** Sends a codec-built request to the fake; JSON answers parsed, others as bytes. */
async function exec(spec: HttpRequestSpec, signal?: AbortSignal): Promise<Answer> {
  const res = await fetch(spec.url, {
    method: spec.method,
    headers: spec.headers,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(signal ? { signal } : {}),
  });
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body };
}

describe('fake video providers, driven by the gateway codecs and the openai SDK', () => {
  let fake: FakeVideo;

  const ctx = (provider: VideoProvider, upstreamModel: string, nowMs?: number): ProviderContext => ({
    deployment: {
      id: `dep-${provider}`,
      provider: (provider === 'veo' ? 'gemini' : provider) as ProviderId,
      upstreamModel,
      baseUrl: fake.baseUrls[provider],
      apiKey: fake.deploymentKeys[provider],
      connectTimeoutMs: 5_000,
      timeoutMs: 60_000,
      streamIdleTimeoutMs: 60_000,
      settings: {},
    },
    requestId: 'req-1',
    ...(nowMs !== undefined ? { nowMs } : {}),
  });

  /** Submit through the codec, then poll until the snapshot is final; every snapshot state returned. */
  async function lifecycle(codec: VideoCodec, c: ProviderContext, req: VideoRequest) {
    const submitted = await exec(codec.buildSubmit(req, c));
    expect(submitted.status).toBe(200);
    const ref: VideoTaskRef = codec.parseSubmit(submitted.body, req);
    const states: string[] = [];
    for (let i = 0; i < 10; i++) {
      const polled = await exec(codec.buildPoll(ref, c));
      expect(polled.status).toBe(200);
      const snapshot = codec.parsePoll(polled.body);
      states.push(snapshot.state);
      if (['succeeded', 'failed', 'cancelled'].includes(snapshot.state)) return { ref, snapshot, states };
    }
    throw new Error('the task never ended');
  }

  beforeAll(async () => {
    fake = await startFakeVideo();
  });
  afterAll(() => fake.close());
  afterEach(() => fake.clearScripts());

  describe('Kling', () => {
    it('text2video: submitted → processing → succeed with a signed, public, rangeable video URL', async () => {
      fake.next({ provider: 'kling', outcome: { kind: 'succeed', durationSeconds: 5.1 } });
      const req: VideoRequest = { prompt: 'a red fox in snow', durationSeconds: 5, aspectRatio: '9:16' };
      const { ref, snapshot, states } = await lifecycle(
        klingVideoCodec,
        ctx('kling', 'kling-v2-1-master'),
        req,
      );
      expect(states).toEqual(['queued', 'running', 'succeeded']);
      expect(ref.route).toBe('text2video');
      expect(snapshot.billableSeconds).toBe('5.1');
      const task = fake.task(ref.upstreamTaskId);
      expect(task).toMatchObject({ provider: 'kling', route: 'text2video', polls: 3, status: 'succeed' });
      expect(task?.body).toEqual({
        model_name: 'kling-v2-1-master',
        prompt: 'a red fox in snow',
        duration: '5',
        aspect_ratio: '9:16',
      });
      const url = snapshot.outputs[0].url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/\w+\.mp4\?sig=/);
      const whole = await fetch(url);
      expect(whole.headers.get('content-type')).toBe('video/mp4');
      const bytes = Buffer.from(await whole.arrayBuffer());
      expect(bytes.equals(fake.bytesOf(ref.upstreamTaskId))).toBe(true);
      expect(Number(whole.headers.get('content-length'))).toBe(bytes.length);
      expect(bytes.length).toBeGreaterThan(256 * 1024);
      expect(bytes.subarray(4, 12).toString('latin1')).toBe('ftypisom');
      const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
      expect((await fetch(url.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);
      expect(task?.downloads).toBe(2);
    });

    it('image2video lives under its own route; a failed task carries task_status_msg', async () => {
      fake.next({
        provider: 'kling',
        queuedPolls: 0,
        runningPolls: 2,
        outcome: { kind: 'fail', message: 'bad frame' },
      });
      const c = ctx('kling', 'kling-v1-6');
      const req: VideoRequest = { image: { url: 'https://example.com/cat.png' } };
      const { ref, snapshot, states } = await lifecycle(klingVideoCodec, c, req);
      expect(states).toEqual(['running', 'running', 'failed']);
      expect(snapshot.error).toEqual({ message: 'bad frame' });
      const wrongRoute = await exec(klingVideoCodec.buildPoll({ ...ref, route: 'text2video' }, c));
      expect([wrongRoute.status, (wrongRoute.body as { code: number }).code]).toEqual([404, 1203]);
      expect(klingVideoCodec.parseError(wrongRoute.status, wrongRoute.body, {}).kind).toBe('not_found');
      const list = await fetch(`${fake.url}/v1/videos/image2video?pageNum=1&pageSize=10`, {
        headers: { authorization: `Bearer ${klingJwt(fake.deploymentKeys.kling, Date.now())}` },
      });
      const listed = (await list.json()) as { code: number; data: Array<{ task_id: string }> };
      expect(listed.code).toBe(0);
      expect(listed.data.map((t) => t.task_id)).toContain(ref.upstreamTaskId);
    });

    it('checks the JWT: signature, iss, nbf and exp, each with its 401 code', async () => {
      const submit = (apiKey: string, nowMs = Date.now()) =>
        fetch(`${fake.url}/v1/videos/text2video`, {
          method: 'POST',
          headers: { authorization: `Bearer ${klingJwt(apiKey, nowMs)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: 'x' }),
        });
      const codeOf = async (res: Response) => [res.status, ((await res.json()) as { code: number }).code];
      const { accessKey, secretKey } = FAKE_VIDEO_KEYS.kling;
      expect(await codeOf(await submit(`${accessKey}:wrong-secret`))).toEqual([401, 1000]);
      expect(await codeOf(await submit(`someone-else:${secretKey}`))).toEqual([401, 1000]);
      expect(await codeOf(await submit(fake.deploymentKeys.kling, Date.now() - 3_600_000))).toEqual([
        401, 1004,
      ]);
      expect(await codeOf(await submit(fake.deploymentKeys.kling, Date.now() + 60_000))).toEqual([401, 1003]);
      const empty = await fetch(`${fake.url}/v1/videos/text2video`, { method: 'POST', body: '{}' });
      expect(await codeOf(empty)).toEqual([401, 1001]);
      const garbage = await fetch(`${fake.url}/v1/videos/text2video`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-a-jwt' },
        body: '{}',
      });
      const body = (await garbage.json()) as { code: number; message: string; request_id: string };
      expect(body).toMatchObject({ code: 1002, request_id: expect.any(String) });
      expect(klingVideoCodec.parseError(401, body, {})).toMatchObject({ kind: 'auth', upstreamCode: '1002' });
    });

    it('faults: insufficient balance (429/1102), rate limit with retry-after, and a refused duration', async () => {
      const c = ctx('kling', 'kling-v1');
      const before = fake.submits.kling;
      fake.inject({ provider: 'kling', op: 'submit', fault: { kind: 'out_of_credit' } });
      fake.inject({ provider: 'kling', op: 'submit', fault: { kind: 'rate_limit', retryAfterSeconds: 3 } });
      const broke = await exec(klingVideoCodec.buildSubmit({ prompt: 'x' }, c));
      expect([broke.status, (broke.body as { code: number }).code]).toEqual([429, 1102]);
      expect(klingVideoCodec.parseError(broke.status, broke.body, {})).toMatchObject({
        kind: 'insufficient_credit',
        upstreamCode: '1102',
      });
      const limited = await exec(klingVideoCodec.buildSubmit({ prompt: 'x' }, c));
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
      expect(klingVideoCodec.parseError(limited.status, limited.body, {}).kind).toBe('rate_limit');
      const bad = await exec(klingVideoCodec.buildSubmit({ prompt: 'x', durationSeconds: 7 }, c));
      expect([bad.status, (bad.body as { code: number }).code]).toEqual([400, 1201]);
      expect(fake.submits.kling).toBe(before);
    });
  });

  describe('Seedance (Ark)', () => {
    it('queued → running → succeeded with duration, resolution, ratio, usage tokens and a public URL', async () => {
      const req: VideoRequest = {
        prompt: 'a paper boat',
        resolution: '720p',
        aspectRatio: '16:9',
        durationSeconds: 5,
        seed: 42,
      };
      const c = ctx('seedance', 'doubao-seedance-1-0-pro-250528');
      const { ref, snapshot, states } = await lifecycle(seedanceVideoCodec, c, req);
      expect(states).toEqual(['queued', 'running', 'succeeded']);
      expect(ref.upstreamTaskId).toMatch(/^cgt-\d{14}-[a-z0-9]{5}$/);
      expect(snapshot).toMatchObject({ billableSeconds: '5', billableTokens: (720 * 1280 * 24 * 5) / 1024 });
      const raw = (await exec(seedanceVideoCodec.buildPoll(ref, c))).body;
      expect(raw).toMatchObject({
        seed: 42,
        resolution: '720p',
        ratio: '16:9',
        duration: 5,
        framespersecond: 24,
      });
      expect(fake.task(ref.upstreamTaskId)?.prompt).toBe('a paper boat');
      const video = Buffer.from(await (await fetch(snapshot.outputs[0].url)).arrayBuffer());
      expect(video.equals(fake.bytesOf(ref.upstreamTaskId))).toBe(true);
    });

    it('asked in frames, it answers frames and fps', async () => {
      fake.next({ provider: 'seedance', queuedPolls: 0, runningPolls: 0 });
      const req: VideoRequest = { prompt: 'x', extensions: { seedance: { frames: 57 } } };
      const { snapshot } = await lifecycle(
        seedanceVideoCodec,
        ctx('seedance', 'doubao-seedance-1-0-lite-t2v'),
        req,
      );
      expect(snapshot.billableSeconds).toBe('2.375');
    });

    it('DELETE cancels a queued task, refuses a running one (409), deletes a finished one', async () => {
      const c = ctx('seedance', 'doubao-seedance-1-0-pro-250528');
      const submit = async () =>
        seedanceVideoCodec.parseSubmit(
          (await exec(seedanceVideoCodec.buildSubmit({ prompt: 'x' }, c))).body,
          {},
        );
      const cancel = seedanceVideoCodec.buildCancel;
      if (!cancel) throw new Error('the Seedance codec cancels');
      fake.next({ provider: 'seedance', queuedPolls: 5 });
      const queued = await submit();
      expect((await exec(cancel(queued, c))).status).toBe(200);
      const cancelled = await exec(seedanceVideoCodec.buildPoll(queued, c));
      expect(seedanceVideoCodec.parsePoll(cancelled.body).state).toBe('cancelled');

      fake.next({ provider: 'seedance', queuedPolls: 0, runningPolls: 5 });
      const running = await submit();
      await exec(seedanceVideoCodec.buildPoll(running, c));
      const refused = await exec(cancel(running, c));
      expect(refused.status).toBe(409);
      expect((refused.body as { error: { code: string } }).error.code).toBe('TaskRunningCannotCancel');

      fake.next({ provider: 'seedance', queuedPolls: 0, runningPolls: 0 });
      const done = await submit();
      await exec(seedanceVideoCodec.buildPoll(done, c));
      expect((await exec(cancel(done, c))).status).toBe(200);
      const gone = await exec(seedanceVideoCodec.buildPoll(done, c));
      expect(gone.status).toBe(404);
      expect(seedanceVideoCodec.parseError(gone.status, gone.body, {}).kind).toBe('not_found');

      const list = await fetch(
        `${fake.baseUrls.seedance}/contents/generations/tasks?filter.status=cancelled&page_size=50`,
        { headers: { authorization: `Bearer ${fake.keys.seedance}` } },
      );
      const listed = (await list.json()) as { items: Array<{ id: string }>; total: number };
      expect(listed.items.map((t) => t.id)).toContain(queued.upstreamTaskId);
      expect(listed.items.every((t) => t.id !== done.upstreamTaskId)).toBe(true);
    });

    it('out of credit is 403 AccountOverdueError; a failed task carries its code; a wrong key is 401', async () => {
      const c = ctx('seedance', 'doubao-seedance-1-0-pro-250528');
      fake.inject({ provider: 'seedance', op: 'submit', fault: { kind: 'out_of_credit' } });
      const overdue = await exec(seedanceVideoCodec.buildSubmit({ prompt: 'x' }, c));
      expect(overdue.status).toBe(403);
      expect(seedanceVideoCodec.parseError(overdue.status, overdue.body, {})).toMatchObject({
        kind: 'insufficient_credit',
        upstreamCode: 'AccountOverdueError',
      });
      fake.next({ provider: 'seedance', outcome: 'filtered' });
      const { snapshot } = await lifecycle(seedanceVideoCodec, c, { prompt: 'x' });
      expect(snapshot.error?.code).toBe('OutputVideoSensitiveContentDetected');
      const wrong = await exec(
        seedanceVideoCodec.buildSubmit(
          { prompt: 'x' },
          { ...c, deployment: { ...c.deployment, apiKey: 'nope' } },
        ),
      );
      expect(wrong.status).toBe(401);
      expect(seedanceVideoCodec.parseError(wrong.status, wrong.body, {}).kind).toBe('auth');
    });
  });

  describe('Veo (Gemini API)', () => {
    it('operation polled until done; samples are files downloaded with the key', async () => {
      fake.next({ provider: 'veo', queuedPolls: 1, runningPolls: 1 });
      const c = ctx('veo', 'veo-3.1-generate-preview');
      const req: VideoRequest = {
        prompt: 'a lighthouse',
        durationSeconds: 8,
        extensions: { veo: { sampleCount: 2 } },
      };
      const { ref, snapshot, states } = await lifecycle(veoVideoCodec, c, req);
      expect(states).toEqual(['running', 'running', 'succeeded']);
      expect(ref.upstreamTaskId).toMatch(/^models\/veo-3\.1-generate-preview\/operations\/[a-z0-9]+$/);
      expect(snapshot.outputs).toHaveLength(2);
      const download = veoVideoCodec.buildDownload;
      if (!download) throw new Error('the Veo codec downloads');
      for (const [i, output] of snapshot.outputs.entries()) {
        expect(output.url).toMatch(/\/v1beta\/files\/\w+:download\?alt=media$/);
        const got = await exec(download(output.url, c));
        expect(got.status).toBe(200);
        expect((got.body as Buffer).equals(fake.bytesOf(ref.upstreamTaskId, i))).toBe(true);
      }
      const keyless = await fetch(snapshot.outputs[0].url);
      expect(keyless.status).toBe(403);
      expect(fake.task(ref.upstreamTaskId)?.durationSeconds).toBe(8);
    });

    it('filtered and error endings, and a Vertex-only parameter refused', async () => {
      const c = ctx('veo', 'veo-3.0-generate-001');
      fake.next({ provider: 'veo', outcome: { kind: 'filtered', reasons: ['unsafe'] } });
      fake.next({ provider: 'veo', outcome: { kind: 'fail', code: 3, message: 'bad prompt' } });
      const filtered = await lifecycle(veoVideoCodec, c, { prompt: 'x' });
      expect(filtered.snapshot).toMatchObject({
        state: 'failed',
        upstreamStatus: 'filtered',
        error: { code: 'content_filter', message: 'unsafe' },
      });
      const failed = await lifecycle(veoVideoCodec, c, { prompt: 'y' });
      expect(failed.snapshot.error).toEqual({ code: '3', message: 'bad prompt' });
      const vertex = await exec(
        veoVideoCodec.buildSubmit({ prompt: 'x', extensions: { veo: { fps: 24 } } }, c),
      );
      expect(vertex.status).toBe(400);
      expect(veoVideoCodec.parseError(vertex.status, vertex.body, {}).kind).toBe('invalid_request');
    });

    it('veoDownloadRedirect: the file answers 302 to a signed storage URL that fetch follows', async () => {
      const redirecting = await startFakeVideo({ veoDownloadRedirect: true, keys: { veo: 'other-key' } });
      try {
        const c = ctx('veo', 'veo-3.0-generate-001');
        c.deployment.baseUrl = redirecting.baseUrls.veo;
        c.deployment.apiKey = 'other-key';
        redirecting.setDefaults({ queuedPolls: 0, runningPolls: 0 });
        const { ref, snapshot } = await lifecycle(veoVideoCodec, c, { prompt: 'x' });
        const spec = veoVideoCodec.buildDownload?.(snapshot.outputs[0].url, c);
        if (!spec) throw new Error('the Veo codec downloads');
        const manual = await fetch(spec.url, { headers: spec.headers, redirect: 'manual' });
        expect(manual.status).toBe(302);
        expect(manual.headers.get('location')).toMatch(/\/files\/\w+\.mp4\?sig=/);
        const followed = await exec(spec);
        expect((followed.body as Buffer).equals(redirecting.bytesOf(ref.upstreamTaskId))).toBe(true);
      } finally {
        await redirecting.close();
      }
    });

    it('faults in Google’s shape: 429 with RetryInfo, 503', async () => {
      const c = ctx('veo', 'veo-3.0-generate-001');
      fake.inject({ provider: 'veo', op: 'poll', fault: { kind: 'rate_limit', retryAfterSeconds: 9 } });
      fake.inject({ provider: 'veo', op: 'poll', fault: { kind: 'server_error', status: 503 } });
      const ref = veoVideoCodec.parseSubmit(
        (await exec(veoVideoCodec.buildSubmit({ prompt: 'x' }, c))).body,
        {},
      );
      const limited = await exec(veoVideoCodec.buildPoll(ref, c));
      expect(limited.status).toBe(429);
      expect(veoVideoCodec.parseError(limited.status, limited.body, limited.headers)).toMatchObject({
        kind: 'rate_limit',
      });
      const busy = await exec(veoVideoCodec.buildPoll(ref, c));
      expect(veoVideoCodec.parseError(busy.status, busy.body, busy.headers).kind).toBe('overloaded');
      expect(fake.task(ref.upstreamTaskId)?.polls).toBe(0);
    });
  });

  describe('Sora', () => {
    let openai: OpenAI;
    beforeAll(() => {
      openai = new OpenAI({ apiKey: fake.keys.sora, baseURL: fake.baseUrls.sora, maxRetries: 0 });
    });

    it('create (JSON) → queued → in_progress → completed; content, variants, remix, list, delete', async () => {
      fake.next({ provider: 'sora', queuedPolls: 1, runningPolls: 2 });
      const created = await openai.videos.create({
        prompt: 'a cat on a piano',
        seconds: '8',
        size: '1280x720',
      });
      expect(created).toMatchObject({
        object: 'video',
        status: 'queued',
        progress: 0,
        seconds: '8',
        model: 'sora-2',
      });
      const early = await fetch(`${fake.baseUrls.sora}/videos/${created.id}/content`, {
        headers: { authorization: `Bearer ${fake.keys.sora}` },
      });
      expect(early.status).toBe(404);
      const seen: string[] = [];
      for (;;) {
        const v = await openai.videos.retrieve(created.id);
        seen.push(v.status);
        if (v.status === 'completed') {
          expect(v.progress).toBe(100);
          expect(v.completed_at).toEqual(expect.any(Number));
          break;
        }
      }
      expect(seen).toEqual(['queued', 'in_progress', 'in_progress', 'completed']);
      const content = await openai.videos.downloadContent(created.id);
      expect(content.headers.get('content-type')).toBe('video/mp4');
      expect(Buffer.from(await content.arrayBuffer()).equals(fake.bytesOf(created.id))).toBe(true);
      const thumb = await openai.videos.downloadContent(created.id, { variant: 'thumbnail' });
      expect(thumb.headers.get('content-type')).toBe('image/webp');

      const remix = await openai.videos.remix(created.id, { prompt: 'now a dog' });
      expect(remix).toMatchObject({ status: 'queued', remixed_from_video_id: created.id, seconds: '8' });
      const page = await openai.videos.list({ limit: 1 });
      expect(page.data.map((v) => v.id)).toEqual([remix.id]);
      expect(page.has_more).toBe(true);
      await expect(openai.videos.delete(remix.id)).rejects.toMatchObject({ status: 400 });
      expect(await openai.videos.delete(created.id)).toEqual({
        id: created.id,
        object: 'video.deleted',
        deleted: true,
      });
      await expect(openai.videos.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
      expect(fake.submits.sora).toBeGreaterThanOrEqual(2);
    });

    it('create as multipart with an input_reference file; bad seconds refused', async () => {
      const created = await openai.videos.create({
        prompt: 'from this frame',
        seconds: '4',
        input_reference: await toFile(Buffer.from('fake png'), 'frame.png', { type: 'image/png' }),
      });
      const body = fake.task(created.id)?.body as Record<string, unknown>;
      expect(body.prompt).toBe('from this frame');
      expect(body.input_reference).toEqual({ filename: 'frame.png', type: 'image/png', size: 8 });
      expect(fake.requests.at(-1)?.headers['content-type']).toMatch(/^multipart\/form-data/);
      const bad = await fetch(`${fake.baseUrls.sora}/videos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.keys.sora}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x', seconds: 8 }),
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { param: 'seconds', type: 'invalid_request_error' } });
    });

    it('insufficient quota, and a wrong key', async () => {
      fake.inject({ provider: 'sora', op: 'submit', fault: { kind: 'out_of_credit' } });
      await expect(openai.videos.create({ prompt: 'x' })).rejects.toMatchObject({
        status: 429,
        code: 'insufficient_quota',
      });
      const stranger = new OpenAI({ apiKey: 'wrong', baseURL: fake.baseUrls.sora, maxRetries: 0 });
      await expect(stranger.videos.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    });
  });

  describe('controls', () => {
    it('defaults, hang, reset, delay and ranged reads', async () => {
      fake.setDefaults({ queuedPolls: 0, runningPolls: 0, outcome: 'fail' });
      const c = ctx('seedance', 'doubao-seedance-1-0-pro-250528');
      const { snapshot } = await lifecycle(seedanceVideoCodec, c, { prompt: 'x' });
      expect(snapshot.error).toEqual({
        code: 'InternalServiceError',
        message: 'The service encountered an unexpected internal error.',
      });
      fake.setDefaults({});

      fake.inject({ op: 'submit', fault: { kind: 'hang' } });
      await expect(
        exec(seedanceVideoCodec.buildSubmit({ prompt: 'x' }, c), AbortSignal.timeout(150)),
      ).rejects.toThrow();
      fake.inject({ op: 'submit', fault: { kind: 'reset' } });
      await expect(exec(seedanceVideoCodec.buildSubmit({ prompt: 'x' }, c))).rejects.toThrow();
      fake.inject({ provider: 'seedance', fault: { kind: 'delay', ms: 120 }, times: 1 });
      const started = Date.now();
      const ok = await exec(seedanceVideoCodec.buildSubmit({ prompt: 'x' }, c));
      expect(ok.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);

      fake.next({ provider: 'seedance', queuedPolls: 0, runningPolls: 0 });
      const { ref, snapshot: done } = await lifecycle(seedanceVideoCodec, c, { prompt: 'x' });
      const total = fake.bytesOf(ref.upstreamTaskId).length;
      const tail = await fetch(done.outputs[0].url, { headers: { range: 'bytes=-10' } });
      expect([tail.status, tail.headers.get('content-range')]).toEqual([
        206,
        `bytes ${total - 10}-${total - 1}/${total}`,
      ]);
      const open = await fetch(done.outputs[0].url, { headers: { range: `bytes=${total - 5}-` } });
      expect((await open.arrayBuffer()).byteLength).toBe(5);
      const past = await fetch(done.outputs[0].url, { headers: { range: `bytes=${total}-` } });
      expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${total}`]);
      const head = await fetch(done.outputs[0].url, { method: 'HEAD' });
      expect(head.headers.get('content-length')).toBe(String(total));
      fake.inject({ provider: 'seedance', op: 'download', fault: { kind: 'server_error', status: 503 } });
      expect((await fetch(done.outputs[0].url)).status).toBe(503);
      expect(() => fake.bytesOf('no-such-task')).toThrow();
    });
  });
});
