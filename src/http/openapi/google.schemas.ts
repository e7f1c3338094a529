/**
 * JSON Schemas (OpenAPI 3.1) of the Google GenAI requests and answers the gateway serves, after the
 * Gemini API reference (generativelanguage v1beta) as `@google/genai` sends and reads them. Google adds
 * fields often: objects stay open (unknown members are forwarded on passthrough).
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  additionalProperties: true,
  ...extra,
});
const str = (description?: string): Schema =>
  description ? { type: 'string', description } : { type: 'string' };
const int: Schema = { type: 'integer', format: 'int32' };
const num: Schema = { type: 'number' };
const arr = (items: Schema): Schema => ({ type: 'array', items });

export const GOOGLE_SCHEMAS: Record<string, Schema> = {
  GooglePart: obj({
    text: str(),
    thought: { type: 'boolean' },
    thoughtSignature: str('base64'),
    inlineData: obj({ mimeType: str(), data: str('base64') }),
    fileData: obj({ mimeType: str(), fileUri: str() }),
    functionCall: obj({ id: str(), name: str(), args: { type: 'object', additionalProperties: true } }),
    functionResponse: obj({
      id: str(),
      name: str(),
      response: { type: 'object', additionalProperties: true },
    }),
    executableCode: obj({ language: str(), code: str() }),
    codeExecutionResult: obj({ outcome: str(), output: str() }),
  }),
  GoogleContent: obj({
    role: { type: 'string', enum: ['user', 'model', 'function'] },
    parts: arr(ref('GooglePart')),
  }),
  GoogleTool: obj({
    functionDeclarations: arr(
      obj({ name: str(), description: str(), parameters: { type: 'object' }, parametersJsonSchema: {} }),
    ),
    googleSearch: { type: 'object' },
    codeExecution: { type: 'object' },
    urlContext: { type: 'object' },
  }),
  GoogleGenerationConfig: obj({
    temperature: num,
    topP: num,
    topK: num,
    candidateCount: int,
    maxOutputTokens: int,
    stopSequences: arr(str()),
    seed: int,
    presencePenalty: num,
    frequencyPenalty: num,
    responseMimeType: str(),
    responseSchema: { type: 'object' },
    responseJsonSchema: {},
    responseModalities: arr(str()),
    thinkingConfig: obj({ thinkingBudget: int, includeThoughts: { type: 'boolean' }, thinkingLevel: str() }),
    speechConfig: { type: 'object' },
    mediaResolution: str(),
  }),
  GenerateContentRequest: obj(
    {
      contents: arr(ref('GoogleContent')),
      systemInstruction: ref('GoogleContent'),
      tools: arr(ref('GoogleTool')),
      toolConfig: { type: 'object' },
      generationConfig: ref('GoogleGenerationConfig'),
      safetySettings: arr(obj({ category: str(), threshold: str() })),
      cachedContent: str('cachedContents/{id}'),
    },
    { required: ['contents'] },
  ),
  GoogleUsageMetadata: obj({
    promptTokenCount: int,
    candidatesTokenCount: int,
    totalTokenCount: int,
    cachedContentTokenCount: int,
    thoughtsTokenCount: int,
    toolUsePromptTokenCount: int,
    promptTokensDetails: arr(obj({ modality: str(), tokenCount: int })),
    candidatesTokensDetails: arr(obj({ modality: str(), tokenCount: int })),
  }),
  GenerateContentResponse: obj({
    candidates: arr(
      obj({
        content: ref('GoogleContent'),
        finishReason: str(),
        index: int,
        safetyRatings: arr({ type: 'object' }),
        citationMetadata: { type: 'object' },
        groundingMetadata: { type: 'object' },
      }),
    ),
    promptFeedback: { type: 'object' },
    usageMetadata: ref('GoogleUsageMetadata'),
    modelVersion: str('the public model name'),
    responseId: str(),
  }),
  GenerateContentResponseArray: arr(ref('GenerateContentResponse')),
  CountTokensRequest: obj({
    contents: arr(ref('GoogleContent')),
    generateContentRequest: ref('GenerateContentRequest'),
  }),
  CountTokensResponse: obj({
    totalTokens: int,
    cachedContentTokenCount: int,
    promptTokensDetails: arr(obj({ modality: str(), tokenCount: int })),
  }),
  EmbedContentRequest: obj(
    {
      model: str('models/{model}'),
      content: ref('GoogleContent'),
      taskType: str(),
      title: str(),
      outputDimensionality: int,
    },
    { required: ['content'] },
  ),
  GoogleEmbedding: obj({ values: arr(num) }),
  EmbedContentResponse: obj({ embedding: ref('GoogleEmbedding') }),
  BatchEmbedContentsRequest: obj({ requests: arr(ref('EmbedContentRequest')) }, { required: ['requests'] }),
  BatchEmbedContentsResponse: obj({ embeddings: arr(ref('GoogleEmbedding')) }),
  CachedContent: obj({
    name: str('cachedContents/{id} (answers)'),
    model: str('models/{model}: the public model'),
    displayName: str(),
    contents: arr(ref('GoogleContent')),
    systemInstruction: ref('GoogleContent'),
    tools: arr(ref('GoogleTool')),
    toolConfig: { type: 'object' },
    ttl: str('duration, e.g. "3600s"'),
    expireTime: { type: 'string', format: 'date-time' },
    createTime: { type: 'string', format: 'date-time' },
    updateTime: { type: 'string', format: 'date-time' },
    usageMetadata: obj({ totalTokenCount: int }),
  }),
  ListCachedContentsResponse: obj({ cachedContents: arr(ref('CachedContent')), nextPageToken: str() }),
  GoogleModel: obj({
    name: str('models/{model}'),
    baseModelId: str(),
    displayName: str(),
    supportedGenerationMethods: arr(str()),
  }),
  GoogleListModelsResponse: obj({ models: arr(ref('GoogleModel')) }),
  GoogleErrorResponse: obj({
    error: obj({ code: int, message: str(), status: str(), details: arr({ type: 'object' }) }),
  }),
  Empty: { type: 'object', additionalProperties: false, description: 'An empty object' },
};
