import Decimal from 'decimal.js';
import OpenAI, { toFile } from 'openai';
import {
  GEMINI_IMAGE_OUTPUT_TOKENS,
  GEMINI_TINY_PNG_B64,
  startFakeGemini,
  type FakeGemini,
} from './fakes/fake-gemini';
import {
  formOf,
  IMAGE_USAGE_PER_IMAGE,
  startFakeOpenAi,
  TINY_PNG_B64,
  type FakeOpenAi,
} from './fakes/fake-openai';
import { AdminClient, type UsageLogPage, type UsageLogResponse } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';
import { rollupAndRawTotals } from './support/usage-totals';
import { expectOpenAiShape } from './support/openai-schema';

type Json = Record<string, unknown>;

/** The gateway's own prices for these models: `per_image` (set through the admin API) plus the shipped token prices. */
const OPENAI_PER_IMAGE = '0.04';
const GEMINI_PER_IMAGE = '0.002';
/** Shipped prices (src/modules/usage/pricing/price-table.ts) of the upstream models. */
const GPT_IMAGE_1 = { input: '5.00', imageOutput: '40.00' };
const FLASH_IMAGE = { input: '0.30', imageOutput: '30.00' };

/** Bytes of a real PNG, uploaded as the image to edit. */
const INPUT_PNG = Buffer.from(TINY_PNG_B64, 'base64');

/**
 * The OpenAI images API (issue 17) with the `openai` SDK: `images.generate` and `images.edit` (a real
 * multipart upload) passed through to an OpenAI deployment (the body, or the form re-sent) and
 * translated to a Gemini image model (`generateContent` with `responseModalities: ['IMAGE']`), each
 * call metered with its images counted and priced at `per_image` (plus the tokens reported), and
 * bad input answered 400 naming the field.
 */
describe('POST /v1/images/generations and /v1/images/edits, through the metered pipeline', () => {
  let gemini: FakeGemini;
  let upstream: FakeOpenAi;
  let gw: TestGateway;
  let admin: AdminClient;

  beforeAll(async () => {
    gemini = await startFakeGemini();
    upstream = await startFakeOpenAi();
    gw = await startGateway({
      yaml: `
models:
  - model_name: gpt-image
    deployments:
      - { provider: openai, upstream_model: gpt-image-1, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
  - model_name: nano-banana
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash-image, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: deepseek-chat
    deployments:
      - { provider: deepseek, upstream_model: deepseek-chat, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
`,
    });
    admin = new AdminClient(gw.url, gw.masterKey);
    for (const [model, perImage] of [
      ['gpt-image', OPENAI_PER_IMAGE],
      ['nano-banana', GEMINI_PER_IMAGE],
    ]) {
      const put = await admin.request('PUT', `/admin/models/${model}/pricing`, { per_image: perImage });
      expect(put.status).toBe(200);
    }
  });

  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
    await upstream?.close();
  });

  /** A fresh key (its usage rows are this test's only) and an SDK client on it. */
  async function caller(baseSuffix = '/v1') {
    const key = await admin.createKey({});
    const client = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}${baseSuffix}`, maxRetries: 0 });
    return { client, keyId: key.id, key: key.key };
  }

  const rowsOf = (keyId: string, count = 1) =>
    eventually(async () => {
      const rows = (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}`)).body.data;
      return rows.length >= count ? rows : undefined;
    });

  /** Cost of an OpenAI gpt-image call of `n` images (fake usage: 20 in, 272 out per image). */
  const openAiCost = (n: number) =>
    new Decimal(OPENAI_PER_IMAGE)
      .mul(n)
      .plus(
        new Decimal(IMAGE_USAGE_PER_IMAGE.input_tokens)
          .mul(GPT_IMAGE_1.input)
          .plus(new Decimal(IMAGE_USAGE_PER_IMAGE.output_tokens * n).mul(GPT_IMAGE_1.imageOutput))
          .div(1_000_000),
      )
      .toFixed();

  const geminiCost = (promptTokens: number) =>
    new Decimal(GEMINI_PER_IMAGE)
      .plus(
        new Decimal(promptTokens)
          .mul(FLASH_IMAGE.input)
          .plus(new Decimal(GEMINI_IMAGE_OUTPUT_TOKENS).mul(FLASH_IMAGE.imageOutput))
          .div(1_000_000),
      )
      .toFixed();

  describe('passthrough to an OpenAI deployment', () => {
    it('images.generate: the body goes upstream as is (model replaced); the answer as is; metered per image and by tokens', async () => {
      const { client, keyId } = await caller();
      const answer = await client.images.generate({
        model: 'gpt-image',
        prompt: 'A lighthouse at dusk',
        n: 2,
        size: '1024x1024',
        quality: 'low',
        background: 'opaque',
        output_format: 'png',
      });
      expectOpenAiShape('ImagesResponse', answer);
      expect(answer.data).toEqual([{ b64_json: TINY_PNG_B64 }, { b64_json: TINY_PNG_B64 }]);
      expect(answer.usage).toMatchObject({ input_tokens: 20, output_tokens: 544 });
      const sent = upstream.imageRequests().at(-1)!;
      expect(sent.path).toBe('/v1/images/generations');
      expect(sent.body).toEqual({
        model: 'gpt-image-1',
        prompt: 'A lighthouse at dusk',
        n: 2,
        size: '1024x1024',
        quality: 'low',
        background: 'opaque',
        output_format: 'png',
      });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject<Partial<UsageLogResponse>>({
        endpoint: 'images.generations',
        model: 'gpt-image',
        provider: 'openai',
        upstream_model: 'gpt-image-1',
        status_code: 200,
        images: 2,
        prompt_tokens: 20,
        completion_tokens: 544,
        cost_usd: openAiCost(2),
      });
      const { rollup, raw } = await rollupAndRawTotals(admin, keyId, row.created_at);
      expect(rollup).toMatchObject({ requests: 1, images: 2, audio_seconds: '0', cost_usd: openAiCost(2) });
      expect(rollup).toEqual(raw);
    });

    it('images.edit: a real multipart upload, re-sent upstream as a form (files, mask and fields kept; model replaced)', async () => {
      const { client, keyId } = await caller('');
      const answer = await client.images.edit({
        model: 'gpt-image',
        image: [
          await toFile(INPUT_PNG, 'first.png', { type: 'image/png' }),
          await toFile(INPUT_PNG, 'second.png', { type: 'image/png' }),
        ],
        mask: await toFile(INPUT_PNG, 'mask.png', { type: 'image/png' }),
        prompt: 'Add a red hat',
        size: '1024x1024',
      });
      expectOpenAiShape('ImagesResponse', answer);
      expect(answer.data).toEqual([{ b64_json: TINY_PNG_B64 }]);
      const sent = upstream.imageRequests().at(-1)!;
      expect(sent.path).toBe('/v1/images/edits');
      expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      const form = (await formOf(sent))!;
      const text = Object.fromEntries(
        form.filter((p) => p.value !== undefined).map((p) => [p.field, p.value]),
      );
      expect(text).toEqual({ model: 'gpt-image-1', prompt: 'Add a red hat', size: '1024x1024' });
      expect(form.filter((p) => p.value === undefined)).toEqual([
        { field: 'image[]', filename: 'first.png', contentType: 'image/png', bytes: INPUT_PNG.length },
        { field: 'image[]', filename: 'second.png', contentType: 'image/png', bytes: INPUT_PNG.length },
        { field: 'mask', filename: 'mask.png', contentType: 'image/png', bytes: INPUT_PNG.length },
      ]);
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject<Partial<UsageLogResponse>>({
        endpoint: 'images.edits',
        model: 'gpt-image',
        provider: 'openai',
        status_code: 200,
        images: 1,
        cost_usd: openAiCost(1),
      });
    });
  });

  describe('translated to a Gemini image model', () => {
    it('images.generate: generateContent with responseModalities IMAGE and the size as aspect ratio; b64_json back; metered by image tokens and per image', async () => {
      const { client, keyId } = await caller();
      const answer = await client.images.generate({
        model: 'nano-banana',
        prompt: 'A banana wearing sunglasses',
        size: '1536x1024',
      });
      expectOpenAiShape('ImagesResponse', answer);
      expect(answer.data).toEqual([{ b64_json: GEMINI_TINY_PNG_B64 }]);
      const sent = gemini.requestsFor('generateContent').at(-1)!;
      expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
      expect(sent.body).toEqual({
        contents: [{ role: 'user', parts: [{ text: 'A banana wearing sunglasses' }] }],
        generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2' } },
      });
      expect(answer.usage).toMatchObject({ output_tokens: GEMINI_IMAGE_OUTPUT_TOKENS });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject<Partial<UsageLogResponse>>({
        endpoint: 'images.generations',
        model: 'nano-banana',
        provider: 'gemini',
        upstream_model: 'gemini-2.5-flash-image',
        status_code: 200,
        images: 1,
        completion_tokens: GEMINI_IMAGE_OUTPUT_TOKENS,
      });
      expect(row.cost_usd).toBe(geminiCost(row.prompt_tokens));
    });

    it('images.edit: the uploaded image as an inlineData part before the prompt', async () => {
      const { client, keyId } = await caller();
      const answer = await client.images.edit({
        model: 'nano-banana',
        image: await toFile(INPUT_PNG, 'cat.png', { type: 'image/png' }),
        prompt: 'Make it a watercolour',
      });
      expect(answer.data).toEqual([{ b64_json: GEMINI_TINY_PNG_B64 }]);
      const sent = gemini.requestsFor('generateContent').at(-1)!;
      expect(sent.body).toEqual({
        contents: [
          {
            role: 'user',
            parts: [
              { inlineData: { mimeType: 'image/png', data: TINY_PNG_B64 } },
              { text: 'Make it a watercolour' },
            ],
          },
        ],
        generationConfig: { responseModalities: ['IMAGE'] },
      });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject<Partial<UsageLogResponse>>({
        endpoint: 'images.edits',
        provider: 'gemini',
        status_code: 200,
        images: 1,
      });
      expect(row.cost_usd).toBe(geminiCost(row.prompt_tokens));
    });

    it('n > 1, a mask or response_format url: a 400 naming the field (nothing sent upstream)', async () => {
      const { client } = await caller();
      const before = gemini.requestsFor('generateContent').length;
      await expect(client.images.generate({ model: 'nano-banana', prompt: 'x', n: 2 })).rejects.toMatchObject(
        {
          status: 400,
          param: 'n',
        },
      );
      await expect(
        client.images.generate({ model: 'nano-banana', prompt: 'x', response_format: 'url' }),
      ).rejects.toMatchObject({ status: 400, param: 'response_format' });
      await expect(
        client.images.edit({
          model: 'nano-banana',
          prompt: 'x',
          image: await toFile(INPUT_PNG, 'a.png', { type: 'image/png' }),
          mask: await toFile(INPUT_PNG, 'm.png', { type: 'image/png' }),
        }),
      ).rejects.toMatchObject({ status: 400, param: 'mask' });
      expect(gemini.requestsFor('generateContent')).toHaveLength(before);
    });
  });

  describe('bad input: 400 naming the field, in the OpenAI error shape', () => {
    it('a missing prompt, n out of range, a malformed size, an edit without an image, a model that makes no images', async () => {
      const { client, key } = await caller();
      const refused = (p: Promise<unknown>, param: string) =>
        expect(p).rejects.toMatchObject({ status: 400, param, type: 'invalid_request_error' });
      await refused(client.images.generate({ model: 'gpt-image', prompt: '' }), 'prompt');
      await refused(client.images.generate({ model: 'gpt-image', prompt: 'x', n: 11 }), 'n');
      await refused(
        client.images.generate({ model: 'gpt-image', prompt: 'x', size: 'big' as never }),
        'size',
      );
      await refused(client.images.generate({ model: 'deepseek-chat', prompt: 'x' }), 'model');
      const form = new FormData();
      form.append('model', 'gpt-image');
      form.append('prompt', 'Add a hat');
      const res = await fetch(`${gw.url}/v1/images/edits`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: form,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: Json }).error).toMatchObject({
        type: 'invalid_request_error',
        param: 'image',
      });
    });
  });
});
