#!/usr/bin/env node
/**
 * Extracts the component schemas of the OpenAI dialect's requests and answers from OpenAI's published
 * OpenAPI document, with every schema they reference, into src/http/openapi/openai.schemas.json: the
 * gateway's own OpenAPI document (/docs-json) types the OpenAI routes with them, and the OpenAI-dialect
 * tests check answers against them (the whole document is ~3 MB of YAML and takes seconds to parse;
 * the extract is what is needed, unchanged).
 *
 *   git clone https://github.com/openai/openai-openapi && git -C openai-openapi rev-parse HEAD
 *   node scripts/vendor-openai-schemas.js openai-openapi/openapi.yaml <that commit>
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

/** The requests and answers of the OpenAI dialect that the gateway serves. */
const ROOTS = [
  'CreateChatCompletionRequest',
  'CreateCompletionRequest',
  'CreateEmbeddingRequest',
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  'CreateCompletionResponse',
  'CreateEmbeddingResponse',
  'ListModelsResponse',
  'Model',
  'ErrorResponse',
];
const REF_PREFIX = '#/components/schemas/';

function main() {
  const [specPath, commit] = process.argv.slice(2);
  if (!specPath || !/^[0-9a-f]{40}$/.test(commit ?? '')) {
    console.error('usage: node scripts/vendor-openai-schemas.js <openapi.yaml> <40-hex commit>');
    process.exit(2);
  }
  const doc = YAML.parse(fs.readFileSync(specPath, 'utf8'));
  const all = doc.components.schemas;
  const schemas = {};
  const pending = [...ROOTS];
  while (pending.length > 0) {
    const name = pending.pop();
    if (schemas[name]) continue;
    if (!all[name]) throw new Error(`schema ${name} is not in the document`);
    schemas[name] = all[name];
    for (const ref of refsOf(all[name])) pending.push(ref);
  }
  const out = {
    source: 'https://github.com/openai/openai-openapi/blob/' + commit + '/openapi.yaml',
    openapi: doc.openapi,
    version: doc.info.version,
    commit,
    extracted_by: 'scripts/vendor-openai-schemas.js',
    roots: ROOTS,
    components: { schemas: sortKeys(schemas) },
  };
  const target = path.resolve(__dirname, '..', 'src', 'http', 'openapi', 'openai.schemas.json');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(`${Object.keys(schemas).length} schemas → ${path.relative(process.cwd(), target)}\n`);
}

/** Names of the component schemas a schema refers to. */
function refsOf(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') {
        if (!v.startsWith(REF_PREFIX)) throw new Error(`unexpected $ref ${v}`);
        found.add(v.slice(REF_PREFIX.length));
      } else refsOf(v, found);
    }
  }
  return found;
}

function sortKeys(o) {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

main();
