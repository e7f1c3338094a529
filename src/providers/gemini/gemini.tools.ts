import type { ChatRequest, ToolChoice, ToolDefinition } from '../core/canonical';
import { invalidParam } from './gemini.errors';
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from './gemini.wire';

export interface GeminiToolsPart {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

/** OpenAI-style names of search tools Gemini serves as `googleSearch` (LiteLLM does the same). */
const GOOGLE_SEARCH_ALIASES = new Set(['web_search', 'web_search_preview']);

/**
 * Tools → one `{functionDeclarations}` tool plus one object per built-in (`{googleSearch:{}}`,
 * `{urlContext:{}}`, `{codeExecution:{}}`, …), and `tool_choice` → `functionCallingConfig`
 * (auto → AUTO, none → NONE, required → ANY, {name} → ANY + allowedFunctionNames).
 * Function parameters go as `parametersJsonSchema` (plain JSON Schema, what the current SDKs send);
 * legacy 1.x models get the OpenAPI-subset `parameters`.
 */
export function toGeminiTools(req: ChatRequest, legacySchema: boolean): GeminiToolsPart {
  const declarations: GeminiFunctionDeclaration[] = [];
  const builtins: GeminiTool[] = [];
  for (const tool of req.tools ?? []) {
    if (tool.type === 'function') declarations.push(toFunctionDeclaration(tool, legacySchema));
    else builtins.push({ [builtinKey(tool.name)]: tool.config ?? {} });
  }
  if (
    req.extensions?.openai?.web_search_options !== undefined &&
    !builtins.some((t) => 'googleSearch' in t)
  ) {
    builtins.push({ googleSearch: {} });
  }
  if (req.parallelToolCalls === false && declarations.length > 1) {
    throw invalidParam(
      'parallel_tool_calls',
      'Gemini cannot forbid parallel calls when several functions are offered',
    );
  }
  const out: GeminiToolsPart = {};
  const tools: GeminiTool[] =
    declarations.length > 0 ? [{ functionDeclarations: declarations }, ...builtins] : builtins;
  if (tools.length > 0) out.tools = tools;
  if (req.toolChoice !== undefined)
    out.toolConfig = { functionCallingConfig: toFunctionCallingConfig(req.toolChoice) };
  return out;
}

function toFunctionDeclaration(
  tool: Extract<ToolDefinition, { type: 'function' }>,
  legacySchema: boolean,
): GeminiFunctionDeclaration {
  const decl: GeminiFunctionDeclaration = { name: tool.name };
  if (tool.description) decl.description = tool.description;
  const params = tool.parameters;
  if (params && Object.keys(params).length > 0) {
    if (legacySchema) decl.parameters = toOpenApiSchema(params) as Record<string, unknown>;
    else decl.parametersJsonSchema = params;
  }
  return decl;
}

function toFunctionCallingConfig(choice: ToolChoice): NonNullable<GeminiToolConfig['functionCallingConfig']> {
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  return { mode: 'ANY', allowedFunctionNames: [choice.name] };
}

/** `google_search` / `googleSearch` / `web_search` → `googleSearch`; any other snake_case name → camelCase. */
export function builtinKey(name: string): string {
  if (GOOGLE_SEARCH_ALIASES.has(name)) return 'googleSearch';
  return name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

const OPENAPI_UNSUPPORTED = new Set(['additionalProperties', '$schema', '$id', 'strict']);

/**
 * JSON Schema → the OpenAPI-3.0 subset of `Schema` that legacy models read: drops keywords it
 * lacks and turns `type: [T, "null"]` into `type: T, nullable: true`.
 */
export function toOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (OPENAPI_UNSUPPORTED.has(key)) continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      out.type = types.length === 1 ? types[0] : types;
      if (types.length !== value.length) out.nullable = true;
    } else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toOpenApiSchema(v)]),
      );
    } else {
      out[key] = typeof value === 'object' ? toOpenApiSchema(value) : value;
    }
  }
  return out;
}
