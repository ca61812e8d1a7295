import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type { DatasetDefinition } from '../records/index.js';
import {
  declarationIssues,
  eFormAjv,
  escapePointer,
  formField,
  formFields,
  isNode,
  type SchemaNode,
} from './eform.js';
import {
  type Fee,
  LEGACY_SERVICE_LEVELS,
  type LinkedProcedure,
  type ProcedureComponent,
  type ProcedureDefinition,
  type ServiceLevel,
} from './events.js';

/** A procedure file as written (schemas/procedure.schema.json). */
export interface ProcedureFile
  extends Omit<
    ProcedureDefinition,
    'codeVerified' | 'organs' | 'serviceLevel' | 'components' | 'linked' | 'sources'
  > {
  codeVerified?: boolean;
  organs?: string[];
  serviceLevel?: ServiceLevel;
  legacyLevel?: 1 | 2 | 3 | 4;
  components: (Omit<ProcedureComponent, 'original' | 'copies'> & { original?: number; copies?: number })[];
  linked?: LinkedProcedure[];
  sources?: string[];
  withdrawn?: { reason: string; on: string };
}

/** A problem at a JSON pointer into the file. */
export interface Issue {
  path: string;
  message: string;
}

export interface CheckContext {
  datasets: ReadonlyMap<string, DatasetDefinition>;
  /** Validates one `x-prefill` value (`$defs/prefill` of schemas/procedure.schema.json). */
  validatePrefill: ValidateFunction;
  /** The ajv (`eFormAjv()`) the eForms of one reading are compiled in. */
  ajv: Ajv2020;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * The schema of a dotted field of a dataset (stepping into objects and array items), and whether
 * the path went through an array (the value is then a list); undefined when there is no such field.
 */
export function datasetField(
  dataset: DatasetDefinition,
  path: string,
): { schema: SchemaNode; inArray: boolean } | undefined {
  let node: SchemaNode = dataset.schema;
  let inArray = false;
  for (const segment of path.split('.')) {
    if (isNode(node.items)) {
      node = node.items;
      inArray = true;
    }
    const next = isNode(node.properties) ? node.properties[segment] : undefined;
    if (!isNode(next)) return undefined;
    node = next;
  }
  return { schema: node, inArray };
}

/** The JSON type a schema node holds (integer counts as number), when it says. */
function jsonType(schema: SchemaNode): string | undefined {
  if (typeof schema.type === 'string') return schema.type === 'integer' ? 'number' : schema.type;
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : [];
  const types = new Set(values.map((v) => (v === null ? 'null' : typeof v)));
  return types.size === 1 ? [...types][0] : undefined;
}

/** Every `x-prefill` anywhere in a schema, with the pointer of the node carrying it. */
function prefillsAnywhere(node: unknown, pointer: string, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    node.forEach((v, i) => {
      prefillsAnywhere(v, `${pointer}/${i}`, out);
    });
  } else if (isNode(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-prefill') out.push(pointer);
      else prefillsAnywhere(value, `${pointer}/${escapePointer(key)}`, out);
    }
  }
  return out;
}

/** Checks one record source (a prefill or a component supply) against the datasets and the eForm. */
function checkDatasetSource(
  at: string,
  source: { dataset: string; subject?: string; key?: string },
  /** The dataset fields named, each with its pointer and, for a prefill, the form field it fills. */
  fields: { path: string; name: string; into?: SchemaNode }[],
  ctx: CheckContext,
  eForm: SchemaNode,
): Issue[] {
  const issues: Issue[] = [];
  const dataset = ctx.datasets.get(source.dataset);
  if (!dataset) {
    const known = [...ctx.datasets.keys()].join(', ');
    return [{ path: `${at}/dataset`, message: `unknown dataset ${source.dataset} (known: ${known})` }];
  }
  for (const f of fields) {
    const field = datasetField(dataset, f.name);
    if (!field) {
      issues.push({ path: f.path, message: `${f.name} is not a field of dataset ${source.dataset}` });
      continue;
    }
    const [from, to] = [field.inArray ? 'array' : jsonType(field.schema), f.into && jsonType(f.into)];
    if (from && to && from !== to) {
      issues.push({
        path: f.path,
        message: `${f.name} is ${from} in ${source.dataset}, the form field is ${to}`,
      });
    }
  }
  if (source.subject !== undefined && source.key !== undefined) {
    issues.push({ path: `${at}/key`, message: 'give subject or key, not both' });
  }
  for (const which of ['subject', 'key'] as const) {
    const path = source[which];
    if (path !== undefined && !formField(eForm, path)) {
      issues.push({ path: `${at}/${which}`, message: `${path} is not a field of the eForm` });
    }
  }
  return issues;
}

const exactlyOne = (value: object, keys: readonly string[]) => keys.filter((k) => k in value).length === 1;

function checkEForm(eForm: SchemaNode, ctx: CheckContext): Issue[] {
  const issues: Issue[] = [];
  const fields = formFields(eForm);
  for (const f of fields) {
    const name = f.path.split('.').at(-1)!;
    if (!IDENTIFIER.test(name)) {
      issues.push({
        path: `/eForm${f.schemaPointer}`,
        message: 'field names are letters and digits (paths are dotted)',
      });
    }
  }
  const reachable = new Set(fields.map((f) => f.schemaPointer));
  for (const pointer of prefillsAnywhere(eForm, '')) {
    const at = `/eForm${pointer}/x-prefill`;
    if (!reachable.has(pointer)) {
      issues.push({
        path: at,
        message: 'x-prefill applies only to fields (properties reached from the root)',
      });
      continue;
    }
    const into = fields.find((f) => f.schemaPointer === pointer)!.schema;
    const prefill = into['x-prefill'];
    if (!ctx.validatePrefill(prefill)) {
      for (const i of declarationIssues(ctx.validatePrefill.errors))
        issues.push({ path: `${at}${i.pointer}`, message: i.message });
      continue;
    }
    const p = prefill as { dataset?: string; field: string; subject?: string; key?: string };
    if (!exactlyOne(p, ['dataset', 'result', 'applicant'])) {
      issues.push({ path: at, message: 'needs exactly one of dataset, result, applicant' });
    } else if (p.dataset !== undefined) {
      const source = { ...p, dataset: p.dataset };
      issues.push(
        ...checkDatasetSource(at, source, [{ path: `${at}/field`, name: p.field, into }], ctx, eForm),
      );
    }
  }
  try {
    ctx.ajv.compile(eForm);
  } catch (error) {
    issues.push({ path: '/eForm', message: `is not a valid JSON Schema: ${(error as Error).message}` });
  }
  return issues;
}

function checkComponents(doc: ProcedureFile, ctx: CheckContext): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  doc.components.forEach((c, i) => {
    const at = `/components/${i}`;
    const earlier = seen.get(c.code);
    if (earlier !== undefined)
      issues.push({ path: `${at}/code`, message: `already used by /components/${earlier}` });
    seen.set(c.code, i);
    if (!exactlyOne(c.supply, ['dataset', 'result', 'upload', 'declaration'])) {
      issues.push({
        path: `${at}/supply`,
        message: 'needs exactly one of dataset, result, upload, declaration',
      });
    } else if ('dataset' in c.supply) {
      const fields = c.supply.fields.map((name, j) => ({ path: `${at}/supply/fields/${j}`, name }));
      issues.push(...checkDatasetSource(`${at}/supply`, c.supply, fields, ctx, doc.eForm));
    }
  });
  return issues;
}

function checkLinks(doc: ProcedureFile): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  (doc.linked ?? []).forEach((link, i) => {
    const at = `/linked/${i}`;
    if (link.code === doc.code)
      issues.push({ path: `${at}/code`, message: 'a procedure does not link to itself' });
    else if (seen.has(link.code))
      issues.push({ path: `${at}/code`, message: `${link.code} is linked twice` });
    seen.add(link.code);
    link.mappings.forEach((m, j) => {
      if ((m.from === undefined) === (m.value === undefined)) {
        issues.push({ path: `${at}/mappings/${j}`, message: 'needs from or value, one of them' });
      } else if (m.from !== undefined && !formField(doc.eForm, m.from)) {
        issues.push({ path: `${at}/mappings/${j}/from`, message: `${m.from} is not a field of the eForm` });
      }
    });
  });
  return issues;
}

function checkLevelsAndFee(doc: ProcedureFile): Issue[] {
  const issues: Issue[] = [];
  if ((doc.serviceLevel === undefined) === (doc.legacyLevel === undefined)) {
    const message =
      doc.serviceLevel === undefined
        ? 'is required (or legacyLevel, the old level 1–4)'
        : 'give serviceLevel or legacyLevel, not both';
    issues.push({ path: '/serviceLevel', message });
  }
  const fee: Fee = doc.fee;
  if ((fee.amount === undefined) === (fee.schedule === undefined)) {
    issues.push({ path: '/fee', message: 'needs amount or schedule, one of them' });
  }
  return issues;
}

/** The definition a file publishes: defaults filled in, the old online level mapped to a service level. */
export function toDefinition(doc: ProcedureFile): ProcedureDefinition {
  const { withdrawn: _withdrawn, legacyLevel, serviceLevel, ...rest } = doc;
  return {
    ...rest,
    codeVerified: doc.codeVerified ?? true,
    organs: doc.organs ?? [],
    serviceLevel: serviceLevel ?? LEGACY_SERVICE_LEVELS[legacyLevel ?? 1],
    components: doc.components.map((c) => ({ ...c, original: c.original ?? 0, copies: c.copies ?? 0 })),
    linked: doc.linked ?? [],
    sources: doc.sources ?? [],
  };
}

/** Everything a file can be checked for without other files or a store (the schema already passed). */
export function checkProcedure(doc: ProcedureFile, ctx: CheckContext): Issue[] {
  return [
    ...checkLevelsAndFee(doc),
    ...checkEForm(doc.eForm, ctx),
    ...checkComponents(doc, ctx),
    ...checkLinks(doc),
  ];
}

/**
 * Checks the links of a procedure against the linked procedures' eForms: every mapped `to` field
 * exists there and every fixed value fits it. `targetOf` gives a linked procedure, or `missing`
 * to say why it cannot (undefined: not known here, not checked). Linked eForms are added to `ajv`
 * under `linked:<code>`.
 */
export function linkIssues(
  definition: Pick<ProcedureDefinition, 'code' | 'linked'>,
  targetOf: (code: string) => ProcedureDefinition | { missing: string } | undefined,
  ajv: Ajv2020 = eFormAjv(),
): Issue[] {
  const issues: Issue[] = [];
  definition.linked.forEach((link, i) => {
    if (link.code === definition.code) return; // reported by checkProcedure
    const target = targetOf(link.code);
    if (target === undefined) return;
    if ('missing' in target) {
      issues.push({ path: `/linked/${i}/code`, message: target.missing });
      return;
    }
    const key = `linked:${link.code}`;
    if (!ajv.getSchema(key)) ajv.addSchema(target.eForm, key);
    link.mappings.forEach((m, j) => {
      const at = `/linked/${i}/mappings/${j}`;
      const field = formField(target.eForm, m.to);
      if (!field) {
        issues.push({ path: `${at}/to`, message: `${m.to} is not a field of the eForm of ${link.code}` });
      } else if (m.value !== undefined) {
        const validate = ajv.getSchema(`${key}#${field.schemaPointer}`);
        if (validate && !validate(m.value)) {
          const why = declarationIssues(validate.errors)
            .map((e) => e.message)
            .join('; ');
          issues.push({ path: `${at}/value`, message: `does not fit ${link.code} ${m.to}: ${why}` });
        }
      }
    });
  });
  return issues;
}
