import type { GraphQLResolveInfo } from 'graphql';
import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { ApiBadInputError } from '../../kernel/errors/index.js';
import type { FieldResolver } from '../../kernel/module.js';
import type { DatasetDefinition } from '../records/index.js';
import { blockString, camel, datasetTypes } from './dataset-types.js';
import { receiptOf } from './receipt.js';
import type { Release, ReleaseQuery } from './release.js';
import { selectedFields } from './resolvers.js';

/** The API part generated from the dataset schemas: types, root queries and their resolvers. */
export interface DatasetApi {
  typeDefs: string;
  resolvers: Record<string, Record<string, FieldResolver>>;
  /** Root query fields by dataset, e.g. `civil-status` → [`civilStatus`]. */
  queries: Record<string, string[]>;
}

type Args = Record<string, string | null | undefined> & { purpose: string; dossier?: string | null };

const META = new Set(['release']);
const PURPOSE = blockString(
  'Purpose code the data is used for, as named in the contract and the consent (e.g. `tthc-1.001193`).',
);
const DOSSIER = blockString(
  'Dossier (hồ sơ) the request serves; required to use a consent given for one dossier.',
);
const PERSONAL_ID = 'personalId';
const ROLES = ['consumer', 'provider', 'citizen-portal', 'inspector', 'operator'] as const;

const ONE_RULES =
  'Select only fields your contract allows for `purpose` (and, when the contract requires consent, fields the citizen consented to); otherwise nothing is returned and the error names the reason. Returns null when the hub holds no such record.';

/**
 * One root query per dataset about people, typed from its JSON Schema (role: consumer): the record by
 * its key (`civilStatus(personalId)`, `businessRegistry(enterpriseCode)`, `landParcel(parcelId)`),
 * or by the citizen where a person has at most one (`socialInsurance(personalId)`), and, where the
 * key is not the citizen, every record about a citizen (`landParcelsOf(personalId)`). Every answer
 * carries `release`, as `person` does; each release is a `DataAccessed` recorded first.
 */
export function datasetApi(datasets: ReadonlyMap<string, DatasetDefinition>): DatasetApi {
  const sdl: string[] = [];
  const fields: string[] = [];
  const query: Record<string, FieldResolver> = {};
  const queries: Record<string, string[]> = {};
  for (const def of datasets.values()) {
    if (!def.subject) continue;
    const subject = def.subject;
    const types = datasetTypes(def);
    sdl.push(...types.sdl);
    const answer = (r: Release) =>
      Object.assign(types.convert(r.values) as object, { release: receiptOf(r) });
    const keyDescription = blockString(def.descriptions[def.key] || `${def.key} of the record.`);
    const keyIsSubject = def.key === subject.field;
    const bySubject = !keyIsSubject && subject.unique && def.key !== PERSONAL_ID;
    const one = camel(def.singular);
    const keyArg = `${keyDescription}\n    ${def.key}: String${bySubject ? '' : '!'}`;
    const subjectArg = `${blockString(`Personal identification number of the citizen the record is about (its \`${subject.field}\`): 12 digits. Give either this or \`${def.key}\`.`)}\n    ${PERSONAL_ID}: String`;
    const by = bySubject ? `by \`${def.key}\` or by the citizen (\`personalId\`)` : `by \`${def.key}\``;
    fields.push(
      queryField(
        one,
        `${def.description} Asked for ${by} (role: consumer). ${ONE_RULES}`,
        bySubject ? [keyArg, subjectArg] : [keyArg],
        types.typeName,
      ),
    );
    query[one] = resolver(def, one, async (service, base, args) => {
      const key = args[def.key];
      const personalId = bySubject ? args[PERSONAL_ID] : undefined;
      if ((key == null) === (personalId == null)) {
        throw new ApiBadInputError(`give either ${def.key} or personalId`, { field: def.key });
      }
      const release =
        key != null
          ? await service.releaseRecord({ ...base, key })
          : await service.releaseRecordOfSubject({ ...base, personalId: personalId! });
      return release && answer(release);
    });
    queries[def.name] = [one];
    if (keyIsSubject) continue;
    const many = `${camel(def.name)}Of`;
    fields.push(
      queryField(
        many,
        `Every \`${def.name}\` record about a citizen (their \`${subject.field}\`), by key (role: consumer); each record released is its own \`DataAccessed\`. Empty when the hub holds none. ${ONE_RULES.split('; otherwise')[0]}.`,
        [
          `${blockString(`Personal identification number of the citizen (the records' \`${subject.field}\`): 12 digits.`)}\n    ${PERSONAL_ID}: String!`,
        ],
        `[${types.typeName}!]!`,
      ),
    );
    query[many] = resolver(def, many, async (service, base, args) => {
      const releases = await service.releaseRecordsOfSubject({ ...base, personalId: args[PERSONAL_ID]! });
      return releases.map(answer);
    });
    queries[def.name]!.push(many);
  }
  const root = fields.length > 0 ? [`extend type Query {\n${fields.join('\n\n')}\n}`] : [];
  return { typeDefs: [...root, ...sdl].join('\n\n'), resolvers: { Query: query }, queries };
}

function queryField(name: string, description: string, args: string[], type: string): string {
  const all = [...args, `${PURPOSE}\n    purpose: String!`, `${DOSSIER}\n    dossier: String`];
  return `  ${blockString(description)}\n  ${name}(\n    ${all.join('\n    ')}\n  ): ${type}`;
}

type Service = ApiContext['services']['release'];

/** A root resolver: the caller, the fields selected on the record type, then the release. */
function resolver(
  def: DatasetDefinition,
  field: string,
  run: (service: Service, base: ReleaseQuery, args: Args) => Promise<unknown>,
): FieldResolver {
  const resolve = async (_: unknown, args: Args, ctx: ApiContext, info: GraphQLResolveInfo) => {
    const principal = requireRole(ctx, ...ROLES);
    const base: ReleaseQuery = {
      principal,
      dataset: def.name,
      purpose: args.purpose,
      dossier: args.dossier ?? null,
      fields: selectedFields(info, META),
      requestId: ctx.requestId,
      selection: field,
    };
    return run(ctx.services.release, base, args);
  };
  return resolve as FieldResolver;
}
