import type {
  ChatRequest,
  ReasoningEffort,
  ReasoningOptions,
  ToolChoice,
  ToolDefinition,
} from '../../providers/core/canonical';
import { CANONICAL_GENERATION_CONFIG_KEYS } from '../../providers/gemini/gemini.wire-helpers';
import { CHOICE_COUNT, optIntIn, TOKEN_LIMIT } from '../field-ranges';
import {
  camelCase,
  fail,
  field,
  isObj,
  optArray,
  optBool,
  optInt,
  optNumber,
  optObj,
  optString,
  snakeCase,
  type Obj,
} from './google.fields';

const MODALITIES: Record<string, 'text' | 'image' | 'audio'> = {
  TEXT: 'text',
  IMAGE: 'image',
  AUDIO: 'audio',
};
const LEVELS: Record<string, ReasoningEffort> = {
  MINIMAL: 'minimal',
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
};

/** `generationConfig` → canonical sampling, format, modality, speech and reasoning fields; the rest → `passthrough`. */
export function fromGenerationConfig(gc: Obj, req: ChatRequest, passthrough: Obj): void {
  const p = (k: string) => `generationConfig.${k}`;
  req.temperature = optNumber(gc, 'temperature', p('temperature'), 0, 2);
  req.topP = optNumber(gc, 'topP', p('topP'), 0, 1);
  req.topK = optInt(gc, 'topK', p('topK'), 1);
  req.n = optIntIn(field(gc, 'candidateCount'), p('candidateCount'), CHOICE_COUNT, fail);
  req.maxTokens = optIntIn(field(gc, 'maxOutputTokens'), p('maxOutputTokens'), TOKEN_LIMIT, fail);
  const stop = optArray(gc, 'stopSequences', p('stopSequences'));
  if (stop)
    req.stop = stop.map((s, i) =>
      typeof s === 'string' ? s : fail(`${p('stopSequences')}[${i}]`, 'expected a string'),
    );
  req.presencePenalty = optNumber(gc, 'presencePenalty', p('presencePenalty'));
  req.frequencyPenalty = optNumber(gc, 'frequencyPenalty', p('frequencyPenalty'));
  req.seed = optInt(gc, 'seed', p('seed'));
  req.logprobs = optBool(gc, 'responseLogprobs', p('responseLogprobs'));
  req.topLogprobs = optInt(gc, 'logprobs', p('logprobs'), 0);

  const mime = optString(gc, 'responseMimeType', p('responseMimeType'));
  const jsonSchema = optObj(gc, 'responseJsonSchema', p('responseJsonSchema'));
  const schema = optObj(gc, 'responseSchema', p('responseSchema'));
  if (mime === 'application/json') {
    const s = jsonSchema ?? (schema ? (fromOpenApiSchema(schema) as Obj) : undefined);
    req.responseFormat = s ? { type: 'json_schema', schema: s } : { type: 'json_object' };
  } else {
    // text/x.enum and friends have no canonical form: keep them for a Gemini upstream.
    if (mime !== undefined && mime !== 'text/plain') passthrough.responseMimeType = mime;
    if (schema) passthrough.responseSchema = schema;
    if (jsonSchema) passthrough.responseJsonSchema = jsonSchema;
  }

  const modalities = optArray(gc, 'responseModalities', p('responseModalities'));
  if (modalities) {
    req.modalities = modalities.map(
      (m, i) =>
        (typeof m === 'string' ? MODALITIES[m.toUpperCase()] : undefined) ??
        fail(`${p('responseModalities')}[${i}]`, 'expected TEXT, IMAGE or AUDIO'),
    );
  }
  const speech = optObj(gc, 'speechConfig', p('speechConfig'));
  if (speech) {
    const voice = field(
      optObj(speech, 'voiceConfig', p('speechConfig.voiceConfig')) ?? {},
      'prebuiltVoiceConfig',
    );
    const voiceName = isObj(voice) ? field(voice, 'voiceName') : undefined;
    if (typeof voiceName === 'string') req.audio = { voice: voiceName, format: 'pcm16' };
    if (Object.keys(speech).some((k) => camelCase(k) !== 'voiceConfig')) passthrough.speechConfig = speech;
  }
  const thinking = optObj(gc, 'thinkingConfig', p('thinkingConfig'));
  if (thinking) req.reasoning = fromThinkingConfig(thinking);

  // Every key without a canonical field rides in `extensions.gemini.generationConfig`.
  for (const [key, value] of Object.entries(gc))
    if (!CANONICAL_GENERATION_CONFIG_KEYS.has(camelCase(key))) passthrough[camelCase(key)] = value;
}

/** thinkingBudget 0 → thinking off, -1 → on (dynamic), N → budget N; thinkingLevel → reasoning effort. */
function fromThinkingConfig(t: Obj): ReasoningOptions {
  const path = 'generationConfig.thinkingConfig';
  const budget = optInt(t, 'thinkingBudget', `${path}.thinkingBudget`, -1);
  const level = optString(t, 'thinkingLevel', `${path}.thinkingLevel`);
  const include = optBool(t, 'includeThoughts', `${path}.includeThoughts`);
  if (budget !== undefined && level !== undefined)
    fail(path, 'thinkingBudget and thinkingLevel cannot be set together');
  const out: ReasoningOptions = {};
  if (budget === 0) out.enabled = false;
  else if (budget === -1) out.enabled = true;
  else if (budget !== undefined) Object.assign(out, { enabled: true, budgetTokens: budget });
  if (level !== undefined) {
    const effort = LEVELS[level.toUpperCase()];
    if (!effort) fail(`${path}.thinkingLevel`, 'expected MINIMAL, LOW, MEDIUM or HIGH');
    out.effort = effort;
  }
  if (include !== undefined) out.includeThoughts = include;
  return out;
}

/** `tools[]` → function tools (parametersJsonSchema, or OpenAPI `parameters` made JSON Schema) and built-ins. */
export function fromGeminiTools(tools: unknown[]): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  tools.forEach((t, i) => {
    const path = `tools[${i}]`;
    if (!isObj(t)) fail(path, 'expected a Tool object');
    for (const [rawKey, value] of Object.entries(t)) {
      const key = camelCase(rawKey);
      if (key !== 'functionDeclarations') {
        if (value !== null && !isObj(value)) fail(`${path}.${rawKey}`, 'expected an object');
        out.push({ type: 'builtin', name: snakeCase(key), config: (value ?? {}) as Obj });
        continue;
      }
      if (!Array.isArray(value)) fail(`${path}.functionDeclarations`, 'expected an array');
      value.forEach((d, j) => out.push(fromFunctionDeclaration(d, `${path}.functionDeclarations[${j}]`)));
    }
  });
  return out;
}

function fromFunctionDeclaration(d: unknown, path: string): ToolDefinition {
  if (!isObj(d)) fail(path, 'expected a FunctionDeclaration');
  const name = optString(d, 'name', `${path}.name`);
  if (!name) fail(`${path}.name`, 'is required');
  const tool: ToolDefinition = { type: 'function', name };
  const description = optString(d, 'description', `${path}.description`);
  if (description !== undefined) tool.description = description;
  const json = optObj(d, 'parametersJsonSchema', `${path}.parametersJsonSchema`);
  const openApi = optObj(d, 'parameters', `${path}.parameters`);
  if (json) tool.parameters = json;
  else if (openApi) tool.parameters = fromOpenApiSchema(openApi) as Obj;
  return tool;
}

/**
 * `toolConfig.functionCallingConfig` → tool choice: AUTO → auto, NONE → none, ANY → required (or
 * `{name}` with exactly one allowed function). What has no canonical form (several allowed names,
 * VALIDATED, retrievalConfig) is also kept whole for a Gemini upstream (`keep: true`).
 */
export function fromToolConfig(tc: Obj): { choice?: ToolChoice; keep: boolean } {
  const fcc = optObj(tc, 'functionCallingConfig', 'toolConfig.functionCallingConfig');
  const keep = Object.keys(tc).some((k) => camelCase(k) !== 'functionCallingConfig');
  if (!fcc) return { keep };
  const mode = (optString(fcc, 'mode', 'toolConfig.functionCallingConfig.mode') ?? 'AUTO').toUpperCase();
  const names =
    optArray(fcc, 'allowedFunctionNames', 'toolConfig.functionCallingConfig.allowedFunctionNames') ?? [];
  if (mode === 'AUTO' || mode === 'MODE_UNSPECIFIED') return { choice: 'auto', keep };
  if (mode === 'NONE') return { choice: 'none', keep };
  if (mode === 'VALIDATED') return { choice: 'auto', keep: true };
  if (mode !== 'ANY')
    return fail('toolConfig.functionCallingConfig.mode', 'expected AUTO, ANY, NONE or VALIDATED');
  if (names.length === 1 && typeof names[0] === 'string') return { choice: { name: names[0] }, keep };
  return { choice: 'required', keep: keep || names.length > 1 };
}

/** OpenAPI-subset Schema (uppercase types, `nullable`) → JSON Schema. */
export function fromOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(fromOpenApiSchema);
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'propertyOrdering' || key === 'nullable') continue;
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'properties' && isObj(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromOpenApiSchema(v)]));
    } else out[key] = typeof value === 'object' ? fromOpenApiSchema(value) : value;
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}
