import type { ChatRequest } from '../../providers/core/canonical';
import { fromGeminiContents } from './google.contents-to-canonical';
import { fromGenerationConfig, fromGeminiTools, fromToolConfig } from './google.config-to-canonical';
import { fail, field, isObj, optArray, optObj, optString, rejectUnknown, type Obj } from './google.fields';

const TOP_LEVEL = new Set([
  'model',
  'contents',
  'systemInstruction',
  'tools',
  'toolConfig',
  'safetySettings',
  'generationConfig',
  'cachedContent',
  'serviceTier',
]);

export interface FromGeminiOptions {
  /** `:streamGenerateContent` (the stream flag comes from the endpoint, not the body). */
  stream?: boolean;
}

/**
 * A Google-dialect `generateContent` body → canonical chat request (for any chat provider).
 * `model` is the model of the URL (`models/` prefix allowed). Validation throws
 * `DialectValidationError` naming the field; unknown top-level fields are refused as Google does.
 *
 * Gemini-only settings ride in `extensions.gemini`: `safetySettings`, `cachedContent`,
 * `serviceTier`, `toolConfig` (when it says more than a tool choice) and `generationConfig` keys
 * without a canonical field (mediaResolution, imageConfig, unknown future keys…).
 */
export function fromGeminiRequest(body: unknown, model: string, opts: FromGeminiOptions = {}): ChatRequest {
  if (typeof model !== 'string' || model.replace(/^models\//, '').length === 0)
    fail('model', 'a model name is required');
  if (!isObj(body)) fail('body', 'the request body must be a JSON object');
  rejectUnknown(body, TOP_LEVEL, '');

  const req: ChatRequest = {
    messages: fromGeminiContents(field(body, 'contents'), field(body, 'systemInstruction')),
    stream: opts.stream ?? false,
  };
  if (req.stream) req.streamIncludeUsage = true;
  const gemini: Obj = {};
  const generationConfig: Obj = {};

  const gc = optObj(body, 'generationConfig', 'generationConfig');
  if (gc) fromGenerationConfig(gc, req, generationConfig);
  const tools = optArray(body, 'tools', 'tools');
  if (tools && tools.length > 0) req.tools = fromGeminiTools(tools);
  const toolConfig = optObj(body, 'toolConfig', 'toolConfig');
  if (toolConfig) {
    const { choice, keep } = fromToolConfig(toolConfig);
    if (choice) req.toolChoice = choice;
    if (keep) gemini.toolConfig = toolConfig;
  }
  const safety = optArray(body, 'safetySettings', 'safetySettings');
  if (safety) {
    safety.forEach((s, i) => {
      if (!isObj(s)) fail(`safetySettings[${i}]`, 'expected {category, threshold}');
      if (!optString(s, 'category', `safetySettings[${i}].category`))
        fail(`safetySettings[${i}].category`, 'is required');
    });
    gemini.safetySettings = safety;
  }
  const cached = optString(body, 'cachedContent', 'cachedContent');
  if (cached !== undefined) gemini.cachedContent = cached;
  const tier = optString(body, 'serviceTier', 'serviceTier');
  if (tier !== undefined) gemini.serviceTier = tier;
  if (Object.keys(generationConfig).length > 0) gemini.generationConfig = generationConfig;
  if (Object.keys(gemini).length > 0) req.extensions = { gemini };
  return dropUndefined(req);
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
