'use strict';
/**
 * The bench's scenarios: which dialect a request speaks, whether it streams, and (for the gateway) which
 * model it names. Chat scenarios run on every target; the Anthropic Messages ones only on the gateway
 * (direct, bare and Portkey skip them: the bare proxy cannot translate, and their chat figures are the
 * reference the report compares against).
 */

/** name → { dialect: 'chat' | 'messages', stream, gatewayModel, label } */
const SCENARIOS = {
  nonstream: {
    dialect: 'chat',
    stream: false,
    gatewayModel: 'bench-openai',
    label: 'chat completions → `bench-openai` (OpenAI, passed through)',
  },
  stream: {
    dialect: 'chat',
    stream: true,
    gatewayModel: 'bench-openai',
    label: 'chat completions → `bench-openai` (OpenAI, passed through)',
  },
  'messages-translated': {
    dialect: 'messages',
    stream: false,
    gatewayModel: 'bench-openai',
    label: 'messages → `bench-openai` (translated to OpenAI)',
  },
  'messages-translated-stream': {
    dialect: 'messages',
    stream: true,
    gatewayModel: 'bench-openai',
    label: 'messages → `bench-openai` (translated to OpenAI)',
  },
  'messages-passthrough': {
    dialect: 'messages',
    stream: false,
    gatewayModel: 'bench-anthropic',
    label: 'messages → `bench-anthropic` (Anthropic, passed through)',
  },
  'messages-passthrough-stream': {
    dialect: 'messages',
    stream: true,
    gatewayModel: 'bench-anthropic',
    label: 'messages → `bench-anthropic` (Anthropic, passed through)',
  },
};

const NAMES = Object.keys(SCENARIOS);

/** Shorthands accepted by --scenario= (each expands to scenario names). */
const ALIASES = {
  'non-stream': ['nonstream'],
  chat: ['nonstream', 'stream'],
  messages: NAMES.filter((n) => SCENARIOS[n].dialect === 'messages'),
  all: NAMES,
};

/** The report's groups: the chat scenario first (the reference), then the Messages scenarios beside it. */
const MESSAGES_GROUPS = {
  json: ['nonstream', 'messages-translated', 'messages-passthrough'],
  stream: ['stream', 'messages-translated-stream', 'messages-passthrough-stream'],
};

/** Issue 17: a translated request's CPU per request must stay within this multiple of chat's. */
const TRANSLATION_CPU_LIMIT = 1.3;

/** --scenario= values → known scenario names in the fixed order, no duplicates; throws on an unknown one. */
function parseScenarios(values) {
  const expanded = values.flatMap((v) => ALIASES[v] || [v]);
  const bad = expanded.filter((s) => !SCENARIOS[s]);
  if (bad.length) throw new Error(`unknown scenario: ${bad.join(', ')} (known: ${NAMES.join(', ')})`);
  return NAMES.filter((n) => expanded.includes(n));
}

const isStream = (scenario) => SCENARIOS[scenario].stream;
const isMessages = (scenario) => SCENARIOS[scenario].dialect === 'messages';

module.exports = {
  SCENARIOS,
  NAMES,
  ALIASES,
  MESSAGES_GROUPS,
  TRANSLATION_CPU_LIMIT,
  parseScenarios,
  isStream,
  isMessages,
};
