import { createHash } from 'node:crypto';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { LRUCache } from 'lru-cache';
import stringify from 'safe-stable-stringify';
import { schemaAjv } from '../../kernel/documents.js';
import { DeclarationInvalidError, type DeclarationIssue } from '../../kernel/errors/index.js';
import type { EForm } from './events.js';

/** A JSON Schema node, as far as the catalogue reads it. */
export type SchemaNode = Record<string, unknown>;

export const isNode = (value: unknown): value is SchemaNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The ajv eForms are compiled with: draft 2020-12, strict, with formats; `x-prefill` is a known keyword. */
export function eFormAjv(): Ajv2020 {
  const ajv = schemaAjv();
  ajv.addKeyword({ keyword: 'x-prefill', schemaType: 'object' });
  return ajv;
}

/** A field of an eForm: a property reached from the root through `properties`. */
export interface FormField {
  /** Dotted path, e.g. `mother.personalId`. */
  path: string;
  /** JSON pointer into a declaration, e.g. `/mother/personalId`. */
  pointer: string;
  /** JSON pointer of the field's schema within the eForm, e.g. `/properties/mother/properties/personalId`. */
  schemaPointer: string;
  schema: SchemaNode;
  /** True when the field has no `properties` of its own. */
  leaf: boolean;
}

/** A JSON pointer segment: `~` and `/` escaped. */
export const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** Every field of an eForm, depth first in the order of `properties`. */
export function formFields(eForm: SchemaNode): FormField[] {
  const out: FormField[] = [];
  const walk = (node: SchemaNode, path: string[], schemaPointer: string) => {
    if (!isNode(node.properties)) return;
    for (const [name, child] of Object.entries(node.properties)) {
      if (!isNode(child)) continue;
      const at = [...path, name];
      const pointer = `${schemaPointer}/properties/${escapePointer(name)}`;
      const nested = isNode(child.properties);
      out.push({
        path: at.join('.'),
        pointer: `/${at.map(escapePointer).join('/')}`,
        schemaPointer: pointer,
        schema: child,
        leaf: !nested,
      });
      if (nested) walk(child, at, pointer);
    }
  };
  walk(eForm, [], '');
  return out;
}

export const formField = (eForm: SchemaNode, path: string): FormField | undefined =>
  formFields(eForm).find((f) => f.path === path);

/** What `validateDeclaration` needs of a procedure (a read-model record or a definition). */
export interface DeclarationTarget {
  code: string;
  eForm: EForm;
  /** When given, the compiled eForm is cached under it (the read model's records carry it). */
  contentHash?: string;
}

/**
 * eForms compiled once per content (by content hash), in one ajv; an eForm evicted from the cache
 * is removed from the ajv too, so the ajv holds no more than the cache does.
 */
class EFormCache {
  private ajv: Ajv2020 | undefined;
  private readonly compiled = new LRUCache<string, { validate: ValidateFunction; schema: EForm }>({
    max: 500,
    dispose: ({ schema }) => this.ajv?.removeSchema(schema),
  });

  get(target: DeclarationTarget): ValidateFunction {
    const key = target.contentHash ?? createHash('sha256').update(stringify(target.eForm)).digest('hex');
    const hit = this.compiled.get(key);
    if (hit) return hit.validate;
    this.ajv ??= eFormAjv();
    const validate = this.ajv.compile(target.eForm);
    this.compiled.set(key, { validate, schema: target.eForm });
    return validate;
  }
}

const eForms = new EFormCache();

/** The eForm's validator, compiled once per content. */
export const compileEForm = (target: DeclarationTarget): ValidateFunction => eForms.get(target);

/** Ajv errors as issues at JSON pointers into the instance (a missing or extra property named in the pointer). */
export function declarationIssues(errors: ErrorObject[] | null | undefined): DeclarationIssue[] {
  const out: DeclarationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'if') continue;
    const params = error.params as Record<string, unknown>;
    let pointer = error.instancePath;
    let message = error.message ?? error.keyword;
    if (error.keyword === 'required') {
      pointer = `${pointer}/${escapePointer(String(params.missingProperty))}`;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      pointer = `${pointer}/${escapePointer(String(params.additionalProperty))}`;
      message = 'is not allowed';
    } else if (error.keyword === 'enum') {
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, keyword: error.keyword, message });
  }
  return out;
}

export type DeclarationCheck = { valid: true } | { valid: false; issues: DeclarationIssue[] };

/** Checks a declaration (tờ khai) against the procedure's eForm; issues carry JSON pointers. */
export function validateDeclaration(procedure: DeclarationTarget, declaration: unknown): DeclarationCheck {
  const validate = compileEForm(procedure);
  if (validate(declaration)) return { valid: true };
  return { valid: false, issues: declarationIssues(validate.errors) };
}

/** `validateDeclaration`, throwing `DeclarationInvalidError` (PROCEDURE_DECLARATION_INVALID) when it fails. */
export function assertDeclaration(procedure: DeclarationTarget, declaration: unknown): void {
  const check = validateDeclaration(procedure, declaration);
  if (!check.valid) throw new DeclarationInvalidError(procedure.code, check.issues);
}
