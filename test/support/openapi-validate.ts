import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import dialectBase from '../vendor/openapi-3.1-dialect-base.json';
import metaBase from '../vendor/openapi-3.1-meta-base.json';
import schemaBase from '../vendor/openapi-3.1-schema-base.json';
import schema from '../vendor/openapi-3.1-schema.json';

/**
 * The official OpenAPI 3.1 schema reaches each Schema Object through `$dynamicRef: "#meta"`, which
 * `schema-base` points at the OpenAPI dialect (JSON Schema 2020-12 + the OAS vocabulary). Ajv 8 resolves
 * that cross-document `$dynamicRef` to the wrong schema (a parameter's `schema` is then checked as a
 * parameter), so the reference is replaced by the static `$ref` the dynamic scope leads to.
 */
const SCHEMA_OBJECT = `${schemaBase.$id}#/$defs/schema`;
const structure: object = JSON.parse(
  JSON.stringify(schema).replaceAll('{"$dynamicRef":"#meta"}', JSON.stringify({ $ref: SCHEMA_OBJECT })),
);

let validator: ValidateFunction | undefined;

/**
 * Checks a whole document against the official OpenAPI 3.1 JSON Schemas (test/vendor/README.md):
 * its structure (paths, operations, parameters, responses, components) and every Schema Object in it
 * as a JSON Schema 2020-12 schema of the OpenAPI dialect. Formats of the document's own fields (`uri`,
 * `uri-reference`, `email`, `media-range`) are not checked.
 */
function openApi31Validator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const format of ['uri', 'uri-reference', 'email', 'media-range']) ajv.addFormat(format, true);
  ajv.addSchema([structure, metaBase, dialectBase]);
  validator = ajv.compile(schemaBase);
  return validator;
}

/** The validation errors of an OpenAPI 3.1 document, as `<json pointer> <message>` lines; empty when valid. */
export function openApi31DocumentErrors(doc: unknown): string[] {
  const version = (doc as { openapi?: unknown } | null)?.openapi;
  if (typeof version !== 'string' || !/^3\.1\.\d+$/.test(version))
    return [`/openapi must be an OpenAPI 3.1.x version (got ${JSON.stringify(version)})`];
  const validate = openApi31Validator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;
}
