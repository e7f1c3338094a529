import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../../common/errors/gateway-error';
import { renderErrorBody } from '../../dialects/error-bodies';
import { openAiVideoDeleted, openAiVideoList } from '../../dialects/video/openai-videos';
import { seedanceTaskList } from '../../dialects/video/seedance-native';
import { VIEWS } from '../../dialects/video/__fixtures__/views';
import { VIDEO_SCHEMAS } from './video.schemas';

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'urn:switchboard:video', components: { schemas: VIDEO_SCHEMAS } });

/** The violations of `value` against one component schema (empty when it conforms). */
function violations(name: string, value: unknown): unknown[] {
  const validate = ajv.getSchema(`urn:switchboard:video#/components/schemas/${name}`)!;
  return validate(value) ? [] : (validate.errors ?? []);
}

function golden(file: string): Record<string, unknown> {
  const path = join(__dirname, '..', '..', 'dialects', 'video', '__fixtures__', file);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('video component schemas', () => {
  it.each([
    ['VideoResource', 'openai-video-objects.json'],
    ['KlingTaskEnvelope', 'kling-task-envelopes.json'],
    ['SeedanceTask', 'seedance-tasks.json'],
    ['VeoOperation', 'veo-operations.json'],
  ])('%s accepts every golden answer of its renderer (%s)', (schema, file) => {
    for (const [state, answer] of Object.entries(golden(file)))
      expect({ state, errors: violations(schema, answer) }).toEqual({ state, errors: [] });
  });

  it('accepts the list, delete and created answers, and refuses a wrong shape', () => {
    const views = Object.values(VIEWS);
    expect(violations('VideoListResource', openAiVideoList(views, true))).toEqual([]);
    expect(violations('VideoListResource', openAiVideoList([], false))).toEqual([]);
    expect(violations('DeletedVideoResource', openAiVideoDeleted('abc'))).toEqual([]);
    expect(violations('SeedanceTaskList', seedanceTaskList(views, 5))).toEqual([]);
    expect(violations('SeedanceCreatedTask', { id: 'cgt-1' })).toEqual([]);
    expect(violations('VideoResource', golden('kling-task-envelopes.json').queued)).not.toEqual([]);
  });

  it('accepts each error body the Kling and Seedance dialects write', () => {
    for (const err of [
      new GatewayError('invalid_request', 'bad', { param: 'prompt' }),
      new GatewayError('not_found', 'No such video task'),
      new GatewayError('budget_exceeded', 'over'),
    ]) {
      expect(violations('KlingErrorResponse', renderErrorBody('kling', err, 'req_1'))).toEqual([]);
      const seedance = JSON.parse(JSON.stringify(renderErrorBody('seedance', err, 'req_1'))) as unknown;
      expect(violations('SeedanceErrorResponse', seedance)).toEqual([]);
    }
  });

  it('accepts the requests each dialect documents, and names a missing required member', () => {
    expect(
      violations('CreateVideoRequest', { model: 'm', prompt: 'p', seconds: '8', size: '1280x720' }),
    ).toEqual([]);
    expect(
      violations('CreateVideoRequest', {
        model: 'm',
        prompt: 'p',
        input_reference: { image_url: 'https://x/a.png' },
      }),
    ).toEqual([]);
    expect(
      violations('KlingCreateVideoRequest', { model_name: 'k', prompt: 'p', duration: '5', mode: 'pro' }),
    ).toEqual([]);
    expect(
      violations('SeedanceCreateTaskRequest', {
        model: 's',
        content: [
          { type: 'text', text: 'a cat --rs 720p' },
          { type: 'image_url', image_url: { url: 'https://x/a.png' }, role: 'first_frame' },
        ],
      }),
    ).toEqual([]);
    expect(
      violations('VeoPredictLongRunningRequest', {
        instances: [{ prompt: 'p', image: { bytesBase64Encoded: 'AAAA', mimeType: 'image/png' } }],
        parameters: { aspectRatio: '16:9', durationSeconds: 8 },
      }),
    ).toEqual([]);
    expect(violations('VeoFetchOperationRequest', { operationName: 'models/v/operations/1' })).toEqual([]);
    expect(violations('CreateVideoRequest', { prompt: 'p' })).toEqual([
      expect.objectContaining({ params: { missingProperty: 'model' } }),
    ]);
  });
});
