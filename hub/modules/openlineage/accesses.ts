import type { EventStore, RecordedEvent } from '../../kernel/event-store.js';
import { readStreamOrNone } from '../../kernel/read-stream.js';
import type { DataAccessDeniedData, DataAccessedData } from '../access/index.js';
import { type ConsentGrantedData, consentStream } from '../consent/index.js';
import { type ContractVersionData, contractStream } from '../contracts/index.js';
import type { DatasetDefinition } from '../records/index.js';
import { datasetSchemaFacet, namedFieldsFacet } from './dataset-schema.js';
import { columnLineage, type Facets, facet, type InputField, jobType, type RunEvent } from './facets.js';
import { agencyNamespace, hubNamespace, PRODUCER, RUN_EVENT_SCHEMA_URL, releaseJobName } from './names.js';

/** The access events the export reads: releases and refusals (`access-<subject>` streams). */
export const ACCESS_EVENT_TYPES = ['DataAccessed', 'DataAccessDenied'] as const;
export const ACCESS_STREAM_PREFIX = 'access-';

/** Contracts and consents read once per export, at most this many of each kept. */
const CACHE_SIZE = 2_000;

/** A small map that forgets its oldest entry when full. */
class Bounded<V> {
  private readonly entries = new Map<string, Promise<V>>();
  get(key: string, load: () => Promise<V>): Promise<V> {
    let value = this.entries.get(key);
    if (!value) {
      value = load();
      this.entries.set(key, value);
      if (this.entries.size > CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }
}

/**
 * Releases and refusals as OpenLineage RunEvents. A release (`DataAccessed`) is one run, COMPLETE,
 * whose id is the access event's id: job `release/<consumer>/<contract>/<dataset>`, input the hub
 * dataset, output what the consumer agency received (namespace `agency://<organ code>`, named after
 * the dataset) with the released fields' column lineage. A refusal (`DataAccessDenied`) is a FAIL
 * of the same job with the reason and no output. Custom run facets carry the release (subject as
 * its pseudonym), the consent and the contract version with its legal basis, read from their
 * streams.
 */
export class AccessEventMapper {
  private readonly contracts = new Bounded<RecordedEvent[]>();
  private readonly consents = new Bounded<ConsentGrantedData | undefined>();
  private readonly schemas = new Map<string, ReturnType<typeof datasetSchemaFacet>>();

  constructor(
    private readonly store: EventStore,
    private readonly hubId: string,
    private readonly datasets: ReadonlyMap<string, DatasetDefinition>,
  ) {}

  private async contract(
    ref: { id: string; version: number } | null,
  ): Promise<ContractVersionData | undefined> {
    if (!ref) return undefined;
    const events = await this.contracts.get(ref.id, () =>
      readStreamOrNone(this.store, contractStream(ref.id)),
    );
    return events
      .filter((e) => e.type === 'ContractRegistered' || e.type === 'ContractAmended')
      .map((e) => e.data as ContractVersionData)
      .find((v) => v.version === ref.version);
  }

  private consent(id: string | null): Promise<ConsentGrantedData | undefined> {
    if (!id) return Promise.resolve(undefined);
    return this.consents.get(id, async () => {
      const events = await readStreamOrNone(this.store, consentStream(id));
      return events.find((e) => e.type === 'ConsentGranted')?.data as ConsentGrantedData | undefined;
    });
  }

  /** The `schema` facet of the fields released from a dataset (the same for every release of them). */
  private releasedSchema(dataset: string, fields: string[]) {
    const key = `${dataset}/${fields.join(',')}`;
    let schema = this.schemas.get(key);
    if (!schema) {
      const def = this.datasets.get(dataset);
      schema = def ? datasetSchemaFacet(def, fields) : namedFieldsFacet(fields);
      this.schemas.set(key, schema);
      if (this.schemas.size > CACHE_SIZE) this.schemas.delete(this.schemas.keys().next().value!);
    }
    return schema;
  }

  async map(event: RecordedEvent): Promise<RunEvent> {
    const released = event.type === 'DataAccessed';
    const data = event.data as DataAccessedData | DataAccessDeniedData;
    const denied = released ? undefined : (data as DataAccessDeniedData);
    const [contract, consent] = await Promise.all([
      this.contract(data.contract),
      this.consent(data.consentId),
    ]);
    const hub = hubNamespace(this.hubId);
    const lineage = new Map<string, InputField[]>(
      data.fields.map((f) => [
        f,
        [
          {
            namespace: hub,
            name: data.dataset,
            field: f,
            transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
          },
        ],
      ]),
    );
    const facets: Facets = {
      ...facet('lienthong_release', {
        outcome: released ? 'released' : 'denied',
        subject: data.subject,
        dataset: data.dataset,
        fields: data.fields,
        purpose: data.purpose,
        dossier: data.dossier,
        caller: { agency: data.caller.agency, official: data.caller.official, role: data.caller.role },
        requestId: data.requestId,
        ...(denied ? { reason: denied.reason } : { sources: (data as DataAccessedData).sources }),
        ...(denied?.repeated ? { repeated: denied.repeated } : {}),
      }),
      ...facet('lienthong_consent', {
        consentRequired: contract ? contract.consentRequired : null,
        consentId: data.consentId,
        ...(consent
          ? {
              consumer: consent.consumer,
              purposes: consent.purposes,
              scope: consent.scope,
              dossier: consent.dossier,
              validFrom: consent.validFrom,
              validUntil: consent.validUntil,
              receiptId: consent.receiptId,
              collectedBy: consent.collectedBy,
            }
          : {}),
      }),
      ...(contract
        ? facet('lienthong_legalBasis', {
            contract: {
              id: contract.contractId,
              version: contract.version,
              ...(contract.title ? { title: contract.title } : {}),
              digest: contract.digest,
            },
            legalBasis: contract.legalBasis,
            provider: contract.provider,
            consumer: contract.consumer,
            dataset: contract.dataset,
            fields: contract.fields,
            purposes: contract.purposes,
            consentRequired: contract.consentRequired,
            validFrom: contract.validFrom,
            validUntil: contract.validUntil ?? null,
          })
        : {}),
      ...(denied
        ? facet('errorMessage', {
            message: `${denied.reason}: ${data.caller.agency} asked for ${data.fields.join(', ') || 'no field'} of ${data.dataset} for ${data.purpose || 'no purpose'}`,
            programmingLanguage: 'TypeScript',
          })
        : {}),
    };
    return {
      eventType: released ? 'COMPLETE' : 'FAIL',
      eventTime: event.metadata.occurredAt,
      producer: PRODUCER,
      schemaURL: RUN_EVENT_SCHEMA_URL,
      run: { runId: event.id, facets },
      job: {
        namespace: hub,
        name: releaseJobName(data.caller.agency, data.contract?.id ?? null, data.dataset),
        facets: jobType('DATA_RELEASE'),
      },
      // the hub dataset's schema is its connector runs' output facet: not repeated on every release
      inputs: [{ namespace: hub, name: data.dataset }],
      outputs: released
        ? [
            {
              namespace: agencyNamespace(data.caller.agency),
              name: data.dataset,
              facets: {
                ...this.releasedSchema(data.dataset, data.fields),
                ...columnLineage(lineage),
              },
            },
          ]
        : [],
    };
  }
}
