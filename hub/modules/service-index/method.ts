import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileSchema, parseYamlDocument, yamlFilesIn } from '../../kernel/documents.js';
import { type FileIssue, ServiceIndexMethodInvalidError } from '../../kernel/errors/index.js';
import { startOfLocalDate } from '../../kernel/local-date.js';
import { type Expr, ExpressionError, type Predicate, parseExpression, toPredicate } from './expression.js';
import { FACTS } from './facts.js';

/** The dossiers of a period a measure ranges over. */
export type Population = 'new' | 'carried-over' | 'received' | 'finished' | 'in-progress';

interface MeasureFile {
  of: Population;
  where?: string;
  sum?: string;
}

interface IndicatorFile {
  code: string;
  name: string;
  points?: number;
  external?: boolean;
  numerator?: MeasureFile;
  denominator?: MeasureFile;
  target?: number;
  floor?: number;
  whenEmpty?: 'full' | 'none' | 'excluded';
  sources?: string[];
  assumed?: string;
}

interface MethodFile {
  id: string;
  title: string;
  basis: string[];
  validFrom: string;
  validUntil?: string;
  totalPoints: number;
  groups: { code: string; name: string; points: number; sources?: string[]; indicators: IndicatorFile[] }[];
  beyond?: IndicatorFile[];
}

/** A numerator or denominator, ready to count with: a population, a condition, a count or a sum. */
export interface Measure {
  /** Counter key in the read model (unique across the loaded versions). */
  key: number;
  of: Population;
  where: Expr | null;
  text: string | null;
  predicate: Predicate | null;
  /** The fact summed, or null to count dossiers. */
  sum: string | null;
}

export interface Indicator {
  code: string;
  name: string;
  /** Null for indicators beyond the decision. */
  group: string | null;
  points: number;
  external: boolean;
  numerator: Measure | null;
  denominator: Measure | null;
  target: number;
  floor: number;
  whenEmpty: 'full' | 'none' | 'excluded';
  sources: string[];
  assumed: string | null;
}

export interface Group {
  code: string;
  name: string;
  points: number;
  sources: string[];
  indicators: Indicator[];
}

export interface Method {
  id: string;
  title: string;
  basis: string[];
  validFrom: string;
  validUntil: string | null;
  /** The same two days as instants (the start of each day in Vietnam); `until` is Infinity while in force. */
  from: number;
  until: number;
  totalPoints: number;
  groups: Group[];
  beyond: Indicator[];
  /** Every indicator, groups first, then beyond. */
  indicators: Indicator[];
  measures: Measure[];
}

/** The methods a hub computes with: each period uses the version in force on its first day. */
export interface MethodSet {
  methods: Method[];
  /** SHA-256 of the files' content: a changed method means rebuilt figures. */
  fingerprint: string;
  /** The files' content as checked, in `methods` order (what `compiledMethods` compiles again elsewhere). */
  files?: readonly unknown[];
}

export const METHODS_DIR = fileURLToPath(new URL('./methods', import.meta.url));

const EPSILON = 1e-9;

function compileMeasure(m: MeasureFile, key: number, at: string, issues: [string, string][]): Measure {
  let where: Expr | null = null;
  if (m.where !== undefined) {
    try {
      where = parseExpression(m.where, FACTS);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      issues.push([`${at}/where`, error.message]);
    }
  }
  if (m.sum !== undefined) {
    const spec = FACTS[m.sum];
    if (!spec || (spec.type !== 'int' && spec.type !== 'number'))
      issues.push([`${at}/sum`, `${m.sum} is not a numeric fact`]);
  }
  return {
    key,
    of: m.of,
    where,
    text: m.where ?? null,
    predicate: where && toPredicate(where),
    sum: m.sum ?? null,
  };
}

function compileMethod(file: MethodFile, index: number): { method: Method; issues: [string, string][] } {
  const issues: [string, string][] = [];
  let next = 100 * (index + 1);
  const seen = new Set<string>();
  const indicator = (i: IndicatorFile, group: string | null, at: string): Indicator => {
    if (seen.has(i.code)) issues.push([`${at}/code`, `${i.code} is used twice`]);
    seen.add(i.code);
    const external = i.external ?? false;
    if (external === (i.numerator !== undefined)) {
      issues.push([
        at,
        external
          ? 'an external indicator has no numerator or denominator'
          : 'needs a numerator and a denominator',
      ]);
    }
    if ((i.numerator === undefined) !== (i.denominator === undefined))
      issues.push([at, 'needs both a numerator and a denominator']);
    if (group !== null && i.points === undefined) issues.push([`${at}/points`, 'is required in a group']);
    if ((i.floor ?? 0) >= (i.target ?? 1)) issues.push([`${at}/floor`, 'must be below the target']);
    return {
      code: i.code,
      name: i.name,
      group,
      points: group === null ? 0 : (i.points ?? 0),
      external,
      numerator: i.numerator ? compileMeasure(i.numerator, next++, `${at}/numerator`, issues) : null,
      denominator: i.denominator ? compileMeasure(i.denominator, next++, `${at}/denominator`, issues) : null,
      target: i.target ?? 1,
      floor: i.floor ?? 0,
      whenEmpty: i.whenEmpty ?? 'excluded',
      sources: i.sources ?? [],
      assumed: i.assumed ?? null,
    };
  };
  const groups = file.groups.map((g, gi) => {
    const indicators = g.indicators.map((i, ii) => indicator(i, g.code, `/groups/${gi}/indicators/${ii}`));
    const sum = indicators.reduce((s, i) => s + i.points, 0);
    if (Math.abs(sum - g.points) > EPSILON)
      issues.push([`/groups/${gi}/points`, `is ${g.points} but its indicators add up to ${sum}`]);
    return { code: g.code, name: g.name, points: g.points, sources: g.sources ?? [], indicators };
  });
  const total = groups.reduce((s, g) => s + g.points, 0);
  if (Math.abs(total - file.totalPoints) > EPSILON)
    issues.push(['/totalPoints', `is ${file.totalPoints} but the groups add up to ${total}`]);
  const beyond = (file.beyond ?? []).map((i, bi) => indicator(i, null, `/beyond/${bi}`));
  const indicators = [...groups.flatMap((g) => g.indicators), ...beyond];
  if (next - 100 * (index + 1) > 99) issues.push(['/groups', 'more than 99 numerators and denominators']);
  if (file.validUntil !== undefined && file.validUntil <= file.validFrom)
    issues.push(['/validUntil', 'must be after validFrom']);
  const method: Method = {
    id: file.id,
    title: file.title,
    basis: file.basis,
    validFrom: file.validFrom,
    validUntil: file.validUntil ?? null,
    from: startOfLocalDate(file.validFrom),
    until: file.validUntil === undefined ? Number.POSITIVE_INFINITY : startOfLocalDate(file.validUntil),
    totalPoints: file.totalPoints,
    groups,
    beyond,
    indicators,
    measures: indicators.flatMap((i) => [i.numerator, i.denominator].filter((m): m is Measure => m !== null)),
  };
  return { method, issues };
}

/**
 * Reads every method file of a folder (or one file), checks each against
 * `schemas/service-index-method.schema.json` and the method's rules (points add up, codes unique,
 * conditions name known facts, versions do not overlap), and compiles them. Any problem is a
 * `ServiceIndexMethodInvalidError` naming the file, the JSON pointer and the line.
 */
export function loadMethods(target: string = METHODS_DIR): MethodSet {
  const validate = compileSchema('service-index-method.schema.json');
  const issues: FileIssue[] = [];
  const parsed: { file: string; value: MethodFile; lineOf: (p: string) => number | undefined }[] = [];
  const hash = crypto.createHash('sha256');
  for (const file of yamlFilesIn(target)) {
    const bytes = fs.readFileSync(file);
    hash.update(bytes);
    const result = parseYamlDocument<MethodFile>(file, bytes.toString('utf8'), validate);
    if (!result.ok) issues.push(...result.issues);
    else parsed.push({ file, value: result.value, lineOf: result.lineOf });
  }
  parsed.sort((a, b) => a.value.validFrom.localeCompare(b.value.validFrom));
  const methods = parsed.map(({ file, value, lineOf }, index) => {
    const compiled = compileMethod(value, index);
    for (const [path, message] of compiled.issues) {
      const line = lineOf(path);
      issues.push({ file, path, ...(line ? { line } : {}), message });
    }
    return compiled.method;
  });
  for (let i = 1; i < methods.length; i++) {
    if (methods[i - 1]!.until > methods[i]!.from) {
      issues.push({
        file: parsed[i]!.file,
        path: '/validFrom',
        message: `overlaps version ${methods[i - 1]!.id}`,
      });
    }
  }
  if (parsed.length === 0 && issues.length === 0)
    issues.push({ file: target, path: '', message: 'no method file' });
  if (issues.length > 0) throw new ServiceIndexMethodInvalidError(issues);
  return { methods, fingerprint: hash.digest('hex'), files: parsed.map((p) => p.value) };
}

/** The methods of files `loadMethods` checked (`MethodSet.files`), compiled again (in a worker thread). */
export function compiledMethods(files: readonly unknown[], fingerprint: string): MethodSet {
  return {
    methods: files.map((file, index) => compileMethod(file as MethodFile, index).method),
    fingerprint,
    files,
  };
}

/** The version in force at an instant (a period's start), if any. */
export const methodAt = (set: MethodSet, at: number): Method | undefined =>
  set.methods.find((m) => m.from <= at && at < m.until);
