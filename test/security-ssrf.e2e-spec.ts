import OpenAI from 'openai';
import { startFakeServer, type FakeServer } from './fakes/fake-http';
import { startFakeGemini } from './fakes/fake-gemini';
import { startFakeVideo, type FakeVideo } from './fakes/fake-video';
import { AdminClient, type KeyWithSecretsResponse } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';
import { FAST_VIDEO_POLLS, videoCatalogYaml } from './support/video-catalog';

/**
 * Issue 18, item 4, with the SSRF guard ON (every other suite turns it off with
 * SWITCHBOARD_ALLOW_PRIVATE_URLS=true, because its fakes listen on 127.0.0.1). Provider base URLs
 * are an admin's choice, not a client's: a deployment on 127.0.0.1 is still served. What a client or
 * a provider's answer chooses — an image to inline, a callback URL, a video result URL — is fetched
 * only from public addresses. The address forms themselves (decimal, octal, IPv6-mapped, DNS
 * rebinding at connect time) are unit-tested in src/common/http/safe-fetch.ssrf.spec.ts.
 */
describe('security: SSRF guard on client- and provider-chosen URLs', () => {
  let fake: FakeVideo;
  let gemini: Awaited<ReturnType<typeof startFakeGemini>>;
  /** An "internal service" the gateway must never be made to call. */
  let internal: FakeServer;
  let gw: TestGateway;
  let key: KeyWithSecretsResponse;
  let openai: OpenAI;

  beforeAll(async () => {
    fake = await startFakeVideo();
    gemini = await startFakeGemini();
    internal = await startFakeServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }).end('internal secret');
    });
    const yaml =
      videoCatalogYaml(fake) +
      `  - model_name: gem\n    deployments:\n      - { provider: gemini, upstream_model: gemini-2.5-flash, base_url: "${gemini.baseUrl}", api_key: "${gemini.apiKey}" }\n`;
    gw = await startGateway({ yaml, env: { ...FAST_VIDEO_POLLS, SWITCHBOARD_ALLOW_PRIVATE_URLS: 'false' } });
    expect(gw.config.allowPrivateUrls).toBe(false);
    key = await new AdminClient(gw.url, gw.masterKey).createKey({ name: 'ssrf' });
    openai = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await fake?.close();
    await gemini?.close();
    await internal?.close();
  });

  const chat = (content: unknown) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gem', messages: [{ role: 'user', content }] }),
    });

  it('an admin-configured provider on 127.0.0.1 is served (base URLs are not SSRF)', async () => {
    expect((await chat('hi')).status).toBe(200);
  });

  it.each([
    ['loopback', (port: number) => `http://127.0.0.1:${port}/img.png`],
    ['localhost by name', (port: number) => `http://localhost:${port}/img.png`],
    ['decimal loopback', (port: number) => `http://2130706433:${port}/img.png`],
    ['IPv6-mapped loopback', (port: number) => `http://[::ffff:127.0.0.1]:${port}/img.png`],
    ['IPv6 loopback', (port: number) => `http://[::1]:${port}/img.png`],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['private 10/8', () => 'http://10.0.0.1/img.png'],
  ])('an image_url on %s is refused with a 400 naming the field', async (_what, url) => {
    const hits = internal.requests.length;
    const res = await chat([
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: url(Number(new URL(internal.baseUrl).port)) } },
    ]);
    const body = (await res.json()) as { error: { param: string; message: string } };
    expect(res.status).toBe(400);
    expect(body.error.param).toBe('messages[0].content[1].image_url.url');
    expect(internal.requests.length).toBe(hits);
  });

  it('a Kling result URL on 127.0.0.1 is not downloaded (502), a Sora result under its base URL is', async () => {
    const kling = await openai.videos.create({
      model: 'kling-v2-1-master' as 'sora-2',
      prompt: 'a',
      seconds: '5' as '4',
    });
    const sora = await openai.videos.create({ model: 'sora-2', prompt: 'b', seconds: '4' });
    for (const id of [kling.id, sora.id])
      await eventually(async () => (await openai.videos.retrieve(id)).status === 'completed');
    const downloadsBefore = fake.requests.filter((r) => r.path.startsWith('/files/')).length;
    const refused = await fetch(`${gw.url}/v1/videos/${kling.id}/content`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /video URL was not fetched: .*127\.0\.0\.1.*non-public address/,
    );
    expect(fake.requests.filter((r) => r.path.startsWith('/files/')).length).toBe(downloadsBefore);
    const served = await fetch(`${gw.url}/v1/videos/${sora.id}/content`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).length).toBeGreaterThan(0);
  });

  it('a callback_url on a loopback address is refused at submit (400 naming it) and never called', async () => {
    const res = await fetch(`${gw.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sora-2',
        prompt: 'hook',
        seconds: '4',
        callback_url: `${internal.baseUrl}/hook`,
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { param: 'callback_url', message: expect.stringContaining('must be a public URL') },
    });
    expect(internal.requests).toHaveLength(0);
  });
});
