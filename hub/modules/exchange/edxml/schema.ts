import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { compileSchemaParts } from '../../../kernel/documents.js';
import { ExchangeEnvelopeInvalidError } from '../../../kernel/errors/index.js';
import type { EdxmlDocumentEnvelope, EdxmlStatusEnvelope } from './types.js';

/** The internal form's schema, compiled once: the document and the status envelope. */
export const EDXML_SCHEMA_FILE = 'edxml.schema.json';
const [, validateDocument, validateStatus] = compileSchemaParts(EDXML_SCHEMA_FILE, [
  '/$defs/documentEnvelope',
  '/$defs/statusEnvelope',
]) as [ValidateFunction, ValidateFunction, ValidateFunction];

/** The first failure as a typed error naming the field: a missing one by its own path. */
function schemaError(errors: ErrorObject[] | null | undefined): ExchangeEnvelopeInvalidError {
  const error = errors?.[0];
  if (!error) return new ExchangeEnvelopeInvalidError('schema', '', 'does not match the schema');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return new ExchangeEnvelopeInvalidError(
        'schema',
        `${error.instancePath}/${String(params.missingProperty)}`,
        'is required',
      );
    case 'additionalProperties':
      return new ExchangeEnvelopeInvalidError(
        'schema',
        `${error.instancePath}/${String(params.additionalProperty)}`,
        'is not a field of edXML',
      );
    case 'enum':
      return new ExchangeEnvelopeInvalidError(
        'schema',
        error.instancePath,
        `must be one of ${(params.allowedValues as unknown[]).join(', ')}`,
      );
    default:
      return new ExchangeEnvelopeInvalidError('schema', error.instancePath, error.message ?? error.keyword);
  }
}

/** Throws `EXCHANGE_ENVELOPE_INVALID` (reason `schema`, the field's path) unless `value` is a valid document envelope. */
export function checkDocumentEnvelope(value: unknown): asserts value is EdxmlDocumentEnvelope {
  if (!validateDocument(value)) throw schemaError(validateDocument.errors);
}

/** Throws `EXCHANGE_ENVELOPE_INVALID` (reason `schema`, the field's path) unless `value` is a valid status envelope. */
export function checkStatusEnvelope(value: unknown): asserts value is EdxmlStatusEnvelope {
  if (!validateStatus(value)) throw schemaError(validateStatus.errors);
}
