import { ApiBadInputError } from '../../kernel/errors/index.js';
import type { FieldResolver } from '../../kernel/module.js';
import type { DatasetDefinition } from '../records/index.js';
import { blockString, camel, datasetTypes } from './dataset-types.js';
import type { Release } from './release.js';
import { releasedRecord, releaseResolver } from './resolvers.js';

/** The API part generated from the dataset schemas: types, root queries and their resolvers. */
export interface DatasetApi {
  typeDefs: string;
  resolvers: Record<string, Record<string, FieldResolver>>;
}

const PURPOSE = blockString(
  'Purpose code the data is used for, as named in the contract and the consent (e.g. `tthc-1.001193`).',
);
const DOSSIER = blockString(
  'Dossier (hồ sơ) the request serves; required to use a consent given for one dossier.',
);
const PERSONAL_ID = 'personalId';

const SELECT_RULES =
  'Select only fields your contract allows for `purpose` (and, when the contract requires consent, fields the citizen consented to)';
const ONE_RULES = `${SELECT_RULES}; otherwise nothing is returned and the error names the reason. Returns null when the hub holds no such record.`;

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
  for (const def of datasets.values()) {
    if (!def.subject) continue;
    const subject = def.subject;
    const types = datasetTypes(def);
    sdl.push(...types.sdl);
    const answer = (r: Release) => releasedRecord(r, types.convert);
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
    query[one] = releaseResolver(def.name, one, async (service, base, args) => {
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
    if (keyIsSubject) continue;
    const many = `${camel(def.name)}Of`;
    fields.push(
      queryField(
        many,
        `Every \`${def.name}\` record about a citizen (their \`${subject.field}\`), by key (role: consumer); each record released is its own \`DataAccessed\`. Empty when the hub holds none. ${SELECT_RULES}.`,
        [
          `${blockString(`Personal identification number of the citizen (the records' \`${subject.field}\`): 12 digits.`)}\n    ${PERSONAL_ID}: String!`,
        ],
        `[${types.typeName}!]!`,
      ),
    );
    query[many] = releaseResolver(def.name, many, async (service, base, args) => {
      const releases = await service.releaseRecordsOfSubject({ ...base, personalId: args[PERSONAL_ID]! });
      return releases.map(answer);
    });
  }
  const root = fields.length > 0 ? [`extend type Query {\n${fields.join('\n\n')}\n}`] : [];
  return { typeDefs: [...root, ...sdl].join('\n\n'), resolvers: { Query: query } };
}

function queryField(name: string, description: string, args: string[], type: string): string {
  const all = [...args, `${PURPOSE}\n    purpose: String!`, `${DOSSIER}\n    dossier: String`];
  return `  ${blockString(description)}\n  ${name}(\n    ${all.join('\n    ')}\n  ): ${type}`;
}
