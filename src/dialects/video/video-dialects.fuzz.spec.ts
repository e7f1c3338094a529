import fc from 'fast-check';
import { videoRequestBody } from '../../modules/video/video-request-body';
import { FUZZ_RUNS, fuzzParser, returnsOrNamesField } from '../__fixtures__/request-fuzz';
import { parseKlingCreate } from './kling-native';
import { parseOpenAiVideoCreate, parseOpenAiVideoRemix } from './openai-videos';
import { parseSeedanceCreate } from './seedance-native';
import { parseVeoPredict } from './veo-native';

const PNG = 'iVBORw0KGgoAAAANSUhEUg==';
const IMAGE = { bytesBase64Encoded: PNG, mimeType: 'image/png' };

/** Each dialect's create, reached as the video API reaches it: the body read as one object first. */
const CASES: Array<[name: string, valid: Record<string, unknown>, parse: (body: unknown) => unknown]> = [
  [
    'OpenAI videos.create',
    {
      model: 'sora',
      prompt: 'a cat',
      seconds: '8',
      size: '1280x720',
      input_reference: { image_url: 'https://media.example/a.png' },
    },
    (b) => parseOpenAiVideoCreate(videoRequestBody(b)),
  ],
  ['OpenAI videos.remix', { prompt: 'again' }, (b) => parseOpenAiVideoRemix(videoRequestBody(b))],
  [
    'Kling image2video',
    { model_name: 'kling-v2-6', prompt: 'a cat', image: PNG, duration: '10', mode: 'pro', cfg_scale: 0.5 },
    (b) => parseKlingCreate('image2video', videoRequestBody(b)),
  ],
  [
    'Seedance create',
    {
      model: 'seedance-pro',
      content: [
        { type: 'text', text: 'a cat --rs 720p --dur 5' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` }, role: 'first_frame' },
      ],
      return_last_frame: true,
    },
    (b) => parseSeedanceCreate(videoRequestBody(b)),
  ],
  [
    'Veo predictLongRunning',
    {
      instances: [{ prompt: 'a cat', image: IMAGE, lastFrame: IMAGE }],
      parameters: { sampleCount: 1, durationSeconds: 8, aspectRatio: '9:16', resolution: '1080p' },
    },
    (b) => parseVeoPredict('veo', videoRequestBody(b)),
  ],
];

describe('video dialect parsers under fuzzing: a create call or a typed 400 naming a field', () => {
  it.each(CASES)('%s', (_name, valid, parse) => fuzzParser(valid, parse));

  it('a JSON body shaped like a form (fields, files) is still a body, never a TypeError', () => {
    const formLike = fc.record({ fields: fc.jsonValue(), files: fc.array(fc.jsonValue(), { maxLength: 3 }) });
    const parse = returnsOrNamesField((b) => parseOpenAiVideoCreate(videoRequestBody(b)));
    fc.assert(fc.property(formLike, parse), { numRuns: FUZZ_RUNS });
  });
});
