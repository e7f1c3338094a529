import OpenAI, { toFile } from 'openai';
import { startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import { fakeTtsPcm } from './fakes/fake-gemini-tts';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { fakeSpeechBytes, fakeTranscript, readFakeForm } from './fakes/fake-openai-audio';
import { AdminClient, type UsageLogPage, type UsageLogResponse } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';
import { rollupAndRawTotals } from './support/usage-totals';

/** A mono 16-bit PCM WAV file of `seconds` at 16 kHz (what a small recording looks like). */
function wavFile(seconds: number): Buffer {
  const data = Buffer.alloc(Math.round(seconds * 16_000) * 2);
  for (let i = 0; i < data.length; i += 2) data.writeInt16LE(Math.round(Math.sin(i / 20) * 8000), i);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(16_000, 24);
  h.writeUInt32LE(32_000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/**
 * The OpenAI audio routes (issue 17) with the `openai` SDK: transcriptions and translations as real
 * multipart uploads re-sent to an OpenAI deployment (json, text, verbose_json, srt), speech passed
 * through to OpenAI (the upstream's bytes) and translated to Gemini TTS (a WAV around its PCM), each
 * call metered under its endpoint with audio seconds or tokens and their cost.
 */
describe('OpenAI audio routes, through the metered pipeline', () => {
  let upstream: FakeOpenAi;
  let gemini: FakeGemini;
  let gw: TestGateway;
  let admin: AdminClient;
  const WAV = wavFile(2);

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gemini = await startFakeGemini();
    gw = await startGateway({
      yaml: `
models:
  - model_name: whisper
    deployments:
      - { provider: openai, upstream_model: whisper-1, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
    pricing: { per_audio_second: "0.0001" }
  - model_name: transcribe
    deployments:
      - { provider: openai, upstream_model: gpt-4o-transcribe, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
    pricing: { input_per_mtok: "2.50", audio_input_per_mtok: "6.00", output_per_mtok: "10.00" }
  - model_name: tts
    deployments:
      - { provider: openai, upstream_model: tts-1, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
    pricing: { input_per_mtok: "15.00" }
  - model_name: mini-tts
    deployments:
      - { provider: openai, upstream_model: gpt-4o-mini-tts, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
    pricing: { input_per_mtok: "0.60", per_audio_second: "0.00025" }
  - model_name: gemini-tts
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash-preview-tts, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
    pricing: { input_per_mtok: "0.50", audio_output_per_mtok: "10.00" }
`,
    });
    admin = new AdminClient(gw.url, gw.masterKey);
  });

  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
    await upstream?.close();
  });

  async function caller(baseSuffix = '/v1', keyBody: Record<string, unknown> = {}) {
    const key = await admin.createKey(keyBody);
    const client = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}${baseSuffix}`, maxRetries: 0 });
    return { client, keyId: key.id };
  }

  const rowsOf = (keyId: string, count = 1) =>
    eventually(async () => {
      const rows = (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}`)).body.data;
      return rows.length >= count ? rows : undefined;
    });

  const lastAudioRequest = (path: string) => upstream.requests.filter((r) => r.path === path).at(-1)!;

  describe('transcriptions and translations (OpenAI deployments)', () => {
    it('json: the upload is re-sent as multipart (model replaced, the file byte for byte); metered in audio seconds', async () => {
      const { client, keyId } = await caller();
      const answer = await client.audio.transcriptions.create({
        file: await toFile(WAV, 'hello.wav', { type: 'audio/wav' }),
        model: 'whisper',
        language: 'en',
        prompt: 'A greeting',
        temperature: 0.2,
      });
      expect(answer.text).toBe(fakeTranscript(false, 'hello.wav', WAV.length));
      const form = await readFakeForm(lastAudioRequest('/v1/audio/transcriptions'));
      expect(Object.fromEntries(form.fields)).toMatchObject({
        model: 'whisper-1',
        language: 'en',
        prompt: 'A greeting',
        temperature: '0.2',
      });
      expect(form.files).toHaveLength(1);
      expect(form.files[0]).toMatchObject({ field: 'file', filename: 'hello.wav', contentType: 'audio/wav' });
      expect(form.files[0].data.equals(WAV)).toBe(true);
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject<Partial<UsageLogResponse>>({
        endpoint: 'audio.transcriptions',
        model: 'whisper',
        provider: 'openai',
        upstream_model: 'whisper-1',
        status_code: 200,
        audio_seconds: '2',
        cost_usd: '0.0002',
        estimated: false,
      });
      const { rollup, raw } = await rollupAndRawTotals(admin, keyId, row.created_at);
      expect(rollup).toMatchObject({ requests: 1, audio_seconds: '2', images: 0, cost_usd: '0.0002' });
      expect(rollup).toEqual(raw);
    });

    it('the upload reserves its seconds × per_audio_second: two concurrent calls on a budget for one, one refused', async () => {
      // a 2-second WAV reserves 2 × 0.0001 = its whole cost, which the budget is: once the first call holds
      // (or has spent) it, spend + reservations ≥ budget refuses the second
      const { client, keyId } = await caller('/v1', { max_budget_usd: '0.0002' });
      // each call held upstream for a second, so both are in flight when the second is admitted
      upstream.script({ kind: 'slow', delayMs: 1_000 }, { kind: 'slow', delayMs: 1_000 });
      const transcribe = async () =>
        client.audio.transcriptions.create({
          file: await toFile(WAV, 'hello.wav', { type: 'audio/wav' }),
          model: 'whisper',
        });
      const outcomes = await Promise.allSettled([transcribe(), transcribe()]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected');
      expect(refused?.reason).toMatchObject({ status: 429, code: 'budget_exceeded' });
      upstream.clearScripts();
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({ audio_seconds: '2', cost_usd: '0.0002' });
    });

    it('text: answered as text/plain; the seconds read from the WAV header', async () => {
      const { client, keyId } = await caller('');
      const answer = await client.audio.transcriptions.create({
        file: await toFile(WAV, 'hello.wav', { type: 'audio/wav' }),
        model: 'whisper',
        response_format: 'text',
      });
      expect(answer).toBe(`${fakeTranscript(false, 'hello.wav', WAV.length)}\n`);
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({ endpoint: 'audio.transcriptions', audio_seconds: '2', cost_usd: '0.0002' });
    });

    it('verbose_json with word timestamps: `timestamp_granularities[]` sent on; duration metered', async () => {
      const { client, keyId } = await caller();
      const answer = await client.audio.transcriptions.create({
        file: await toFile(wavFile(0.5), 'short.wav', { type: 'audio/wav' }),
        model: 'whisper',
        response_format: 'verbose_json',
        timestamp_granularities: ['word', 'segment'],
      });
      expect(answer).toMatchObject({ duration: 0.5, language: 'english' });
      expect(answer.words?.length).toBeGreaterThan(0);
      const form = await readFakeForm(lastAudioRequest('/v1/audio/transcriptions'));
      expect(form.fields.filter(([k]) => k === 'timestamp_granularities[]').map(([, v]) => v)).toEqual([
        'word',
        'segment',
      ]);
      const [row] = await rowsOf(keyId);
      // The answer's `usage.seconds` (what OpenAI bills: whole seconds) wins over its `duration` (0.5).
      expect(row).toMatchObject({ audio_seconds: '1', cost_usd: '0.0001' });
    });

    it('srt: the transcript as text with its cues', async () => {
      const { client } = await caller();
      const answer = await client.audio.transcriptions.create({
        file: await toFile(WAV, 'hello.wav'),
        model: 'whisper',
        response_format: 'srt',
      });
      expect(answer).toContain('00:00:00,000 --> 00:00:02,000');
    });

    it('gpt-4o-transcribe: tokens from `usage` (its audio part at the audio price)', async () => {
      const { client, keyId } = await caller();
      const answer = await client.audio.transcriptions.create({
        file: await toFile(WAV, 'hello.wav'),
        model: 'transcribe',
      });
      expect(answer.usage).toMatchObject({ type: 'tokens', input_tokens: 40 });
      const [row] = await rowsOf(keyId);
      // 5 text tokens × 2.50 + 35 audio tokens × 6.00 + 12 output tokens × 10.00, per million.
      expect(row).toMatchObject({
        endpoint: 'audio.transcriptions',
        prompt_tokens: 40,
        completion_tokens: 12,
        cost_usd: '0.0003425',
      });
    });

    it('translations: sent to /audio/translations, metered under audio.translations', async () => {
      const { client, keyId } = await caller();
      const answer = await client.audio.translations.create({
        file: await toFile(WAV, 'bonjour.wav', { type: 'audio/wav' }),
        model: 'whisper',
      });
      expect(answer.text).toBe(fakeTranscript(true, 'bonjour.wav', WAV.length));
      expect(lastAudioRequest('/v1/audio/translations')).toBeDefined();
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({ endpoint: 'audio.translations', audio_seconds: '2', status_code: 200 });
    });

    it('a model on another provider: 400 naming `model`; a bad response_format: 400 naming it', async () => {
      const { client } = await caller();
      const file = await toFile(WAV, 'hello.wav');
      await expect(client.audio.transcriptions.create({ file, model: 'gemini-tts' })).rejects.toMatchObject({
        status: 400,
        param: 'model',
      });
      await expect(
        client.audio.transcriptions.create({
          file: await toFile(WAV, 'hello.wav'),
          model: 'whisper',
          response_format: 'xml' as 'json',
        }),
      ).rejects.toMatchObject({ status: 400, param: 'response_format' });
    });
  });

  describe('speech', () => {
    it('OpenAI: passed through; the bytes and content type are the upstream’s; metered by characters', async () => {
      const { client, keyId } = await caller();
      const input = 'The quick brown fox jumped over the lazy dog.';
      const res = await client.audio.speech.create({ model: 'tts', input, voice: 'alloy', speed: 1.25 });
      expect(res.headers.get('content-type')).toBe('audio/mpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(fakeSpeechBytes(input, 'mp3'))).toBe(true);
      const sent = lastAudioRequest('/v1/audio/speech');
      expect(sent.body).toEqual({ model: 'tts-1', input, voice: 'alloy', speed: 1.25 });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({
        endpoint: 'audio.speech',
        upstream_model: 'tts-1',
        prompt_tokens: input.length,
        // mp3: its frames read as they passed (the fake: 0.024 s a character)
        audio_seconds: '1.08',
        cost_usd: String((input.length * 15) / 1e6),
      });
    });

    it('gpt-4o-mini-tts: characters at input_per_mtok plus the mp3 frames’ seconds at per_audio_second, exactly', async () => {
      const { client, keyId } = await caller();
      const input = 'Fifty characters of text, said by a small model!!!';
      expect(input).toHaveLength(50);
      const res = await client.audio.speech.create({ model: 'mini-tts', input, voice: 'coral' });
      expect(Buffer.from(await res.arrayBuffer()).equals(fakeSpeechBytes(input, 'mp3'))).toBe(true);
      const [row] = await rowsOf(keyId);
      // 50 × 0.60 / 1e6 = 0.00003, plus 50 frames × 0.024 s = 1.2 s × 0.00025 = 0.0003
      expect(row).toMatchObject({
        upstream_model: 'gpt-4o-mini-tts',
        prompt_tokens: 50,
        completion_tokens: 0,
        audio_seconds: '1.2',
        cost_usd: '0.00033',
        estimated: false,
      });
      const { rollup, raw } = await rollupAndRawTotals(admin, keyId, row.created_at);
      expect(rollup).toMatchObject({ audio_seconds: '1.2', cost_usd: '0.00033' });
      expect(rollup).toEqual(raw);
    });

    it('gpt-4o-mini-tts as opus (not decoded): the seconds estimated from the characters at 15 a second ÷ speed, marked estimated', async () => {
      const { client, keyId } = await caller();
      const input = 'Fifty characters of text, said by a small model!!!';
      await (
        await client.audio.speech.create({
          model: 'mini-tts',
          input,
          voice: 'coral',
          response_format: 'opus',
          speed: 2,
        })
      ).arrayBuffer();
      const [row] = await rowsOf(keyId);
      // 50 / 15 / 2 = 1.667 s × 0.00025 = 0.00041675, plus 0.00003
      expect(row).toMatchObject({ audio_seconds: '1.667', cost_usd: '0.00044675', estimated: true });
    });

    it('OpenAI pcm: the seconds of the PCM streamed are metered', async () => {
      const { client, keyId } = await caller();
      const input = 'Ten chars!';
      const res = await client.audio.speech.create({
        model: 'tts',
        input,
        voice: 'nova',
        response_format: 'pcm',
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(fakeSpeechBytes(input, 'pcm'))).toBe(true);
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({ audio_seconds: '0.1' });
    });

    it('Gemini TTS: generateContent with AUDIO out and the mapped voice; the PCM answered as WAV; metered by tokens', async () => {
      const { client, keyId } = await caller();
      const input = 'Hello from Gemini';
      const res = await client.audio.speech.create({
        model: 'gemini-tts',
        input,
        voice: 'alloy',
        response_format: 'wav',
      });
      expect(res.headers.get('content-type')).toBe('audio/wav');
      const wav = Buffer.from(await res.arrayBuffer());
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
      expect(wav.readUInt32LE(24)).toBe(24_000);
      expect(wav.readUInt16LE(34)).toBe(16);
      const pcm = fakeTtsPcm(input);
      expect(wav.readUInt32LE(40)).toBe(pcm.length);
      expect(wav.subarray(44).equals(pcm)).toBe(true);
      const sent = gemini.requestsFor('generateContent').at(-1)!;
      expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash-preview-tts:generateContent');
      expect(sent.body).toMatchObject({
        contents: [{ role: 'user', parts: [{ text: input }] }],
        generationConfig: {
          responseModalities: ['AUDIO'],
          speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Zephyr' } } },
        },
      });
      const [row] = await rowsOf(keyId);
      const seconds = pcm.length / 48_000;
      const audioTokens = Math.ceil(seconds * 25);
      expect(row).toMatchObject({
        endpoint: 'audio.speech',
        provider: 'gemini',
        completion_tokens: audioTokens,
        audio_seconds: String(seconds),
        estimated: false,
      });
      expect(Number(row.cost_usd)).toBeCloseTo((row.prompt_tokens * 0.5 + audioTokens * 10) / 1e6, 12);
    });

    it('Gemini TTS: pcm passes through; mp3 is a 400 naming `response_format`; an unknown voice one naming `voice`', async () => {
      const { client } = await caller();
      const pcm = await client.audio.speech.create({
        model: 'gemini-tts',
        input: 'abc',
        voice: 'Kore',
        response_format: 'pcm',
      });
      expect(Buffer.from(await pcm.arrayBuffer()).equals(fakeTtsPcm('abc'))).toBe(true);
      await expect(
        client.audio.speech.create({ model: 'gemini-tts', input: 'abc', voice: 'alloy' }),
      ).rejects.toMatchObject({ status: 400, param: 'response_format' });
      await expect(
        client.audio.speech.create({
          model: 'gemini-tts',
          input: 'abc',
          voice: 'nobody',
          response_format: 'wav',
        }),
      ).rejects.toMatchObject({ status: 400, param: 'voice' });
    });

    it('a missing input: 400 naming `input` before any upstream call', async () => {
      const { client } = await caller();
      const before = upstream.requests.length;
      await expect(
        client.audio.speech.create({ model: 'tts', voice: 'alloy' } as unknown as {
          model: string;
          input: string;
          voice: 'alloy';
        }),
      ).rejects.toMatchObject({ status: 400, param: 'input' });
      expect(upstream.requests.length).toBe(before);
    });
  });
});
