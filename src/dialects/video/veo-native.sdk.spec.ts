import { GoogleGenAI } from '@google/genai';
import { VIEWS } from './__fixtures__/views';
import { parseVeoFileId, parseVeoPredict, veoOperation, veoOperationIdOf } from './veo-native';

const PNG = 'iVBORw0KGgoAAAANSUhEUg==';
const BASE = 'http://gateway.test';

/** What the real `@google/genai` 2.x SDK sends and reads, with fetch answered in process. */
describe('Veo dialect against the real @google/genai SDK', () => {
  const sent: Array<{ url: string; method: string; body?: string }> = [];
  let answer: unknown = {};
  let fetchSpy: jest.SpyInstance;

  beforeEach(() => {
    sent.length = 0;
    fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      sent.push({
        url,
        method: init?.method ?? 'GET',
        body: typeof init?.body === 'string' ? init.body : undefined,
      });
      return Promise.resolve(
        new Response(JSON.stringify(answer), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
      );
    });
  });
  afterEach(() => fetchSpy.mockRestore());

  const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: BASE } });

  it('generateVideos: the body it posts parses, and the operation it gets back is read by name', async () => {
    answer = veoOperation({ ...VIEWS.queued, dialect: 'veo', model: 'veo-3.1' }, () => '');
    const op = await ai.models.generateVideos({
      model: 'veo-3.1',
      source: { prompt: 'a cat', image: { imageBytes: PNG, mimeType: 'image/png' } },
      config: {
        numberOfVideos: 1,
        durationSeconds: 8,
        aspectRatio: '16:9',
        resolution: '720p',
        personGeneration: 'allow_adult',
        negativePrompt: 'blur',
        enhancePrompt: true,
        lastFrame: { imageBytes: PNG, mimeType: 'image/png' },
      },
    });
    expect(sent[0].url).toBe(`${BASE}/v1beta/models/veo-3.1:predictLongRunning`);
    const call = parseVeoPredict('veo-3.1', JSON.parse(sent[0].body ?? '{}') as Record<string, unknown>);
    expect(call.request).toEqual({
      prompt: 'a cat',
      image: { data: PNG, mimeType: 'image/png' },
      lastFrame: { data: PNG, mimeType: 'image/png' },
      durationSeconds: 8,
      aspectRatio: '16:9',
      resolution: '720p',
      negativePrompt: 'blur',
      extensions: { veo: { personGeneration: 'allow_adult', enhancePrompt: true } },
    });
    expect(op.name).toBe(`models/veo-3.1/operations/${VIEWS.queued.id}`);
    expect(op.done).toBeUndefined();
  });

  it('getVideosOperation and files.download: the poll path names the task, the sample URI names the file', async () => {
    // The public URL must be https: tFileName only takes the file id out of an `https://` URI.
    const fileUrl = (id: string) => `https://gateway.example/v1beta/files/${id}:download?alt=media`;
    answer = veoOperation({ ...VIEWS.completed, dialect: 'veo', model: 'veo-3.1' }, fileUrl);
    const name = `models/veo-3.1/operations/${VIEWS.completed.id}`;
    const { GenerateVideosOperation } = await import('@google/genai');
    const pending = Object.assign(new GenerateVideosOperation(), { name });
    const op = await ai.operations.getVideosOperation({ operation: pending });
    const polled = new URL(sent[0].url);
    expect(sent[0].method).toBe('GET');
    expect(veoOperationIdOf(polled.pathname.replace(/^\/v1beta\//, ''))).toBe(VIEWS.completed.id);
    expect(op.done).toBe(true);
    const video = op.response?.generatedVideos?.[0]?.video;
    expect(video?.uri).toBe(fileUrl(`${VIEWS.completed.id}v0`));

    sent.length = 0;
    answer = {};
    await ai.files.download({ file: video ?? {}, downloadPath: '/dev/null' }).catch(() => undefined);
    const downloaded = new URL(sent[0].url);
    expect(downloaded.origin).toBe(BASE);
    expect(downloaded.searchParams.get('alt')).toBe('media');
    const fileId = /^\/v1beta\/files\/([^/:]+):download$/.exec(downloaded.pathname)?.[1] ?? '';
    expect(parseVeoFileId(fileId)).toEqual({ taskId: VIEWS.completed.id, index: 0 });
  });
});
