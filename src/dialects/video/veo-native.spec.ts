import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DialectValidationError } from '../dialect-validation-error';
import { VIEWS, view } from './__fixtures__/views';
import { parseVeoFileId, parseVeoPredict, veoFileId, veoOperation, veoOperationIdOf } from './veo-native';

const golden: unknown = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__', 'veo-operations.json'), 'utf8'),
);
const PNG = 'iVBORw0KGgoAAAANSUhEUg==';
const ID = '0123456789abcdef0123456789abcdef';
const fileUrl = (id: string) => `https://gw.example/v1beta/files/${id}:download?alt=media`;

function paramOf(body: Record<string, unknown>): string | undefined {
  try {
    parseVeoPredict('veo', body);
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  return undefined;
}

describe('parseVeoPredict', () => {
  it('takes the body @google/genai generateVideos sends (numberOfVideos 1, every Gemini API option)', () => {
    // As built by generateVideosParametersToMldev + generateVideosConfigToMldev (@google/genai 2.x).
    const body = {
      instances: [
        {
          prompt: 'a cat',
          image: { bytesBase64Encoded: PNG, mimeType: 'image/png' },
          lastFrame: { bytesBase64Encoded: PNG, mimeType: 'image/png' },
        },
      ],
      parameters: {
        sampleCount: 1,
        durationSeconds: 8,
        aspectRatio: '9:16',
        resolution: '1080p',
        personGeneration: 'allow_adult',
        negativePrompt: 'blur',
        enhancePrompt: true,
      },
    };
    expect(parseVeoPredict('veo-public', body)).toEqual({
      publicModel: 'veo-public',
      seconds: '8',
      request: {
        prompt: 'a cat',
        image: { data: PNG, mimeType: 'image/png' },
        lastFrame: { data: PNG, mimeType: 'image/png' },
        durationSeconds: 8,
        aspectRatio: '9:16',
        resolution: '1080p',
        negativePrompt: 'blur',
        extensions: { veo: { personGeneration: 'allow_adult', enhancePrompt: true } },
      },
    });
  });

  it('takes a bare prompt, inlineData images and sniffs a missing media type', () => {
    expect(parseVeoPredict('v', { instances: [{ prompt: 'p' }] })).toEqual({
      publicModel: 'v',
      request: { prompt: 'p' },
    });
    expect(
      parseVeoPredict('v', { instances: [{ image: { inlineData: { data: PNG, mimeType: 'image/png' } } }] })
        .request,
    ).toEqual({ image: { data: PNG, mimeType: 'image/png' } });
    expect(
      parseVeoPredict('v', { instances: [{ image: { bytesBase64Encoded: PNG } }] }).request.image,
    ).toEqual({
      data: PNG,
      mimeType: 'image/png',
    });
  });

  it('keeps seed and generateAudio as request fields (the codec refuses what the Gemini API does not take)', () => {
    expect(
      parseVeoPredict('v', { instances: [{ prompt: 'p' }], parameters: { seed: 3, generateAudio: true } })
        .request,
    ).toEqual({ prompt: 'p', seed: 3, audio: true });
  });

  it('names each refused or bad field', () => {
    expect(paramOf({})).toBe('instances');
    expect(paramOf({ instances: [{ prompt: 'a' }, { prompt: 'b' }] })).toBe('instances');
    expect(paramOf({ instances: [{}] })).toBe('instances[0].prompt');
    expect(paramOf({ instances: ['p'] })).toBe('instances[0]');
    expect(paramOf({ instances: [{ prompt: 'p' }], parameters: { sampleCount: 2 } })).toBe(
      'parameters.sampleCount',
    );
    expect(() =>
      parseVeoPredict('v', { instances: [{ prompt: 'p' }], parameters: { sampleCount: 2 } }),
    ).toThrow('one video per task');
    expect(paramOf({ instances: [{ prompt: 'p' }], parameters: { durationSeconds: '8s' } })).toBe(
      'parameters.durationSeconds',
    );
    expect(paramOf({ instances: [{ prompt: 'p' }], parameters: { aspectRatio: '1:1' } })).toBe(
      'parameters.aspectRatio',
    );
    expect(paramOf({ instances: [{ prompt: 'p', referenceImages: [] }] })).toBe(
      'instances[0].referenceImages',
    );
    expect(paramOf({ instances: [{ prompt: 'p', video: { uri: 'x' } }] })).toBe('instances[0].video');
    expect(paramOf({ instances: [{ prompt: 'p' }], webhookConfig: { uris: [] } })).toBe('webhookConfig');
    expect(paramOf({ instances: [{ image: { gcsUri: 'gs://b/a.png' } }] })).toBe('instances[0].image.gcsUri');
    expect(paramOf({ instances: [{ image: { mimeType: 'image/png' } }] })).toBe(
      'instances[0].image.bytesBase64Encoded',
    );
    expect(paramOf({ instances: [{ image: { bytesBase64Encoded: 'AAAA' } }] })).toBe(
      'instances[0].image.mimeType',
    );
    expect(paramOf({ instances: [{ prompt: 'p' }], parameters: [] })).toBe('parameters');
  });
});

describe('Veo renderers', () => {
  it('render each lifecycle state as the golden operation', () => {
    const rendered = Object.fromEntries(
      Object.entries(VIEWS).map(([k, v]) => [
        k,
        veoOperation({ ...v, dialect: 'veo', model: 'veo-3.1' }, fileUrl),
      ]),
    );
    expect(rendered).toEqual(golden);
  });

  it('render a task timeout as DEADLINE_EXCEEDED', () => {
    const op = veoOperation(
      view({ status: 'failed', error: { code: 'task_timeout', message: 'too long' } }),
      fileUrl,
    );
    expect(op.error).toEqual({ code: 4, message: 'task_timeout: too long' });
  });

  it('read the task id back from both operation name forms, and nothing else', () => {
    expect(veoOperationIdOf(`models/veo-3.1/operations/${ID}`)).toBe(ID);
    expect(veoOperationIdOf(`operations/${ID}`)).toBe(ID);
    expect(veoOperationIdOf(`models/a/b/operations/${ID}`)).toBeUndefined();
    expect(veoOperationIdOf('operations/abc')).toBeUndefined();
    expect(veoOperationIdOf(ID)).toBeUndefined();
  });

  it('make file ids the SDK reads back whole from the URI, and parse them', () => {
    const fileId = veoFileId(ID, 0);
    expect(fileId).toMatch(/^[a-z0-9]+$/);
    // @google/genai tFileName: the first [a-z0-9]+ run after 'files/' in an https URI.
    expect(
      fileUrl(fileId)
        .split('files/')[1]
        .match(/[a-z0-9]+/)?.[0],
    ).toBe(fileId);
    expect(parseVeoFileId(fileId)).toEqual({ taskId: ID, index: 0 });
    expect(parseVeoFileId(veoFileId(ID, 12))).toEqual({ taskId: ID, index: 12 });
    expect(parseVeoFileId(`${ID}-0`)).toBeUndefined();
    expect(parseVeoFileId('abc')).toBeUndefined();
  });
});
