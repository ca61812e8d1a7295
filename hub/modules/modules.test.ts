import fs from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import mercurius from 'mercurius';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeGraphql } from '../api/graphql/compose.js';
import type { ApiContext } from '../api/graphql/kit/context.js';
import { graphql } from '../api/graphql/kit/graphql-runtime.js';
import { buildProgram } from '../cli/program.js';
import { ModuleConflictError } from '../kernel/errors/index.js';
import type { HubModule, ModuleHost } from '../kernel/module.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import { allProjections } from '../projections/registry.js';
import { AGENCIES, startTestHub } from '../testing/hub.js';
import { hubModules } from './index.js';

/** The test module's service, built by its plugin and handed to its resolvers. */
class NoteBook {
  readonly notes = new Map<string, string>();
  /** Whether the plugin found the services of the modules listed before it. */
  constructor(readonly sawContracts: boolean) {}
}

declare module '../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Only in this test (optional, so the hub's own plugin list need not provide it). */
    notes?: NoteBook;
  }
}

/** Where the test module's plugin put its book when the hub registered it. */
const registered: { book?: NoteBook; hooks: string[] } = { hooks: [] };

const notesProjection: ProjectionDefinition = {
  name: 'notes',
  version: 1,
  description: 'notes of the test module',
  filter: { streamPrefixes: ['note-'] },
  open: () => ({ apply() {}, reset() {} }),
};

/** What the test module's command said. */
const said: string[] = [];

/** A capability that exists only in this test: one read model, one query field, one CLI command. */
const notesModule: HubModule = {
  name: 'notes',
  projections: [notesProjection],
  graphql: {
    typeDefs: `
      extend type Query {
        "A note of the test module."
        note("Note id." id: ID!): Note
      }
      "A note."
      type Note {
        "Id."
        id: ID!
        "Text."
        text: String!
      }`,
    resolvers: { Query: { note: (_: unknown, args: { id: string }) => ({ id: args.id, text: 'hello' }) } },
  },
  cli: (program, { env }) => {
    program
      .command('notes')
      .description('notes of the test module')
      .command('say')
      .action(() => void said.push(`note for ${env.NOTE_READER ?? 'nobody'}`));
  },
};

const withNotes = [...hubModules, notesModule];

/**
 * The test module with a plugin and a mutation whose argument is written into an event field: the
 * plugin builds the module's service from what the hub hands it, and the argument is bounded by the
 * event schema (`ConsentWithdrawn.reason`, at most 500 characters).
 */
const notebookModule: HubModule = {
  name: 'notebook',
  projections: [],
  plugin: fp(
    async (app: FastifyInstance, host: ModuleHost) => {
      const book = new NoteBook(typeof host.services.get('findContracts') === 'function');
      registered.book = book;
      host.services.provide('notes', book);
      app.addHook('onClose', async () => void registered.hooks.push('closed'));
    },
    { name: 'notebook', fastify: '5.x' },
  ),
  graphql: {
    typeDefs: `
      extend type Mutation {
        "Writes a note of the test module."
        writeNote("Its text." text: String!): String!
      }`,
    resolvers: {
      Mutation: {
        writeNote: (_: unknown, args: { text: string }, ctx: ApiContext) => {
          const id = `n-${ctx.services.notes!.notes.size + 1}`;
          ctx.services.notes!.notes.set(id, args.text);
          return id;
        },
      },
    },
    argumentLimits: [
      { field: 'Mutation.writeNote', argument: 'text', event: 'ConsentWithdrawn', path: 'reason' },
    ],
  },
};

/** Runs the `hub` program built from `modules` and returns what it printed. */
async function runCli(modules: readonly HubModule[], args: string[], env: NodeJS.ProcessEnv = {}) {
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
  try {
    await buildProgram(allProjections(modules), env, modules).parseAsync(['node', 'hub', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed.join('\n');
}

describe('the module list', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names every folder under hub/modules/ once, by its folder name', () => {
    const folders = fs
      .readdirSync(new URL('./', import.meta.url), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(hubModules.map((m) => m.name).sort()).toEqual(folders.sort());
  });

  it("gives the hub every listed module's read models, GraphQL fields and CLI commands", async () => {
    const projections = allProjections(hubModules).map((p) => p.name);
    for (const m of hubModules) for (const p of m.projections) expect(projections).toContain(p.name);
    expect(projections).toEqual([
      'stream-catalog',
      'admin-units',
      'working-calendar',
      'records',
      'agencies',
      'contracts',
      'procedures',
      'consents',
      'documents',
      'dossiers',
      'service-index',
      'exchange',
      'access-log',
      'lineage',
      'audit-log',
      'data-quality',
    ]);

    const schema = graphql.buildSchema(composeGraphql(hubModules).schema);
    expect(Object.keys(schema.getQueryType()!.getFields()).sort()).toEqual(
      [
        'accessLog',
        'consent',
        'consentsGivenToMe',
        'contracts',
        'document',
        'dossier',
        'dossiers',
        'myConsents',
        'myContracts',
        'person',
        'prefill',
        'procedure',
        'procedures',
        'serviceIndex',
        'serviceIndexDossiers',
        'serviceIndexDossiersCsv',
        'serviceIndexGroup',
        'serviceIndexIndicator',
        'serviceIndexReconciliation',
        'exchangeInbox',
        'exchangeOutbox',
        'exchangeDocument',
        'overdueExchangeDocuments',
        'whoAmI',
        ...['lineageOfField', 'lineageOfAccess', 'lineageOfDossier', 'lineageOfDocument', 'lineageExpand'],
        'accessLogSearch',
        'myDataUse',
        'auditCheckpoint',
        'auditProof',
        'dataQuality',
        'dataQualityFindings',
        'dataQualityFinding',
        // one per shared dataset, generated from schemas/datasets/ by the access module
        'businessRegistry',
        'businessRegistryOf',
        'civilStatus',
        'drivingLicence',
        'drivingLicencesOf',
        'judicialRecord',
        'landParcel',
        'landParcelsOf',
        'population',
        'socialInsurance',
        'socialInsuranceOf',
      ].sort(),
    );
    expect(Object.keys(schema.getMutationType()!.getFields()).sort()).toEqual(
      [
        'grantConsent',
        'deferDisclosure',
        'revokeContract',
        'revokeDocument',
        'withdrawConsent',
        ...['submitDossier', 'refuseAtIntake', 'receiveDossier', 'assignDossier', 'transferDossier'],
        ...['completeStep', 'requestSupplement', 'recordSupplement', 'notifyFee', 'recordPayment'],
        ...['apologiseForDelay', 'approveDossier', 'rejectDossier', 'stopProcessing', 'issueResult'],
        ...['returnResult', 'identifyCitizenByQr', 'supplySupplement', 'payFee', 'withdrawDossier'],
        'rateDossier',
        'completeDeclaration',
        'fanOutLinkedDossiers',
        ...['sendDocument', 'reportDocumentStatus', 'submitEnvelope'],
      ].sort(),
    );
    expect(Object.keys(schema.getSubscriptionType()!.getFields()).sort()).toEqual([
      'dossierStatusChanged',
      'myDossierStatusChanged',
    ]);

    const help = buildProgram(allProjections(hubModules), {}).helpInformation();
    for (const command of [
      'projections',
      'store',
      'agencies',
      'contracts',
      'documents',
      'procedures',
      'erase',
      'calendar',
      'service-index',
      'exchange',
      'audit',
      'quality',
    ]) {
      expect(help).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('takes a new module from one line in the list: its read model, its query field and its command', async () => {
    expect(allProjections(withNotes).map((p) => p.name)).toContain('notes');
    expect(allProjections(hubModules).map((p) => p.name)).not.toContain('notes');

    const app = Fastify();
    const api = composeGraphql(withNotes);
    await app.register(mercurius, { schema: api.schema, resolvers: api.resolvers as never });
    try {
      const answer = await app.graphql('{ note(id: "n-1") { id text } }');
      expect(answer).toEqual({ data: { note: { id: 'n-1', text: 'hello' } } });
    } finally {
      await app.close();
    }

    expect(await runCli(withNotes, ['projections', 'list'])).toMatch(
      /^notes\s+1\s+note-\*\s+notes of the test module/m,
    );
    await runCli(withNotes, ['notes', 'say'], { NOTE_READER: 'operator' });
    expect(said).toEqual(['note for operator']);
    await expect(runCli(hubModules, ['notes', 'say'])).rejects.toThrow(/unknown command 'notes'/);
  });

  it("registers a listed module's plugin with what it needs and binds its argument limits", async () => {
    const hub = await startTestHub({ citizens: 1, modules: [...hubModules, notebookModule] });
    try {
      const book = registered.book!;
      expect(book).toBeInstanceOf(NoteBook);
      expect(book.sawContracts).toBe(true);
      const token = await hub.token(AGENCIES.baDinh, 'consumer');

      const written = await hub.gql(token, 'mutation { writeNote(text: "hello") }');
      expect(written.data).toEqual({ writeNote: 'n-1' });
      expect(book.notes.get('n-1')).toBe('hello');

      const tooLong = await hub.gql(token, 'mutation($t: String!) { writeNote(text: $t) }', {
        t: 'x'.repeat(501),
      });
      expect(tooLong.data).toBeNull();
      expect(tooLong.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'text',
        limit: { name: 'length', max: 500, actual: 501 },
      });
      expect(book.notes.size).toBe(1);
    } finally {
      await hub.close();
    }
    expect(registered.hooks).toEqual(['closed']);

    // the hub's own list has no such module: the field does not exist there
    const plain = await startTestHub({ citizens: 1 });
    try {
      const answer = await plain.gql(
        await plain.token(AGENCIES.baDinh, 'consumer'),
        'mutation { writeNote(text: "x") }',
      );
      expect(answer.errors?.[0]?.message).toMatch(/Cannot query field "writeNote"/);
    } finally {
      await plain.close();
    }
  });

  it('refuses to start when a plugin needs a service no module before it provides, or two provide one', async () => {
    await expect(
      startTestHub({ citizens: 1, modules: [notebookModule, ...hubModules] }),
    ).rejects.toMatchObject({
      code: 'MODULE_SERVICE_MISSING',
      message: 'module notebook needs service findContracts, which no module before it provides',
    });
    const twin = { ...notebookModule, name: 'twin', graphql: undefined };
    await expect(
      startTestHub({ citizens: 1, modules: [...hubModules, notebookModule, twin] }),
    ).rejects.toMatchObject({
      code: 'MODULE_CONFLICT',
      message: 'api-service notes is defined by both module notebook and module twin',
    });
  });

  it('refuses to start when two modules claim the same read model, field or resolver', () => {
    const twin = (overrides: Partial<HubModule>): HubModule => ({
      ...notesModule,
      name: 'twin',
      ...overrides,
    });

    expect(() => allProjections([...withNotes, twin({ graphql: undefined })])).toThrow(ModuleConflictError);
    expect(() => allProjections([...withNotes, twin({ graphql: undefined })])).toThrow(
      'projection notes is defined by both module notes and module twin',
    );

    const sameField = twin({
      projections: [],
      graphql: { typeDefs: 'extend type Query { "Shadow." person: String }', resolvers: {} },
    });
    expect(() => composeGraphql([...hubModules, sameField])).toThrow(
      'graphql-field Query.person is defined by both module access and module twin',
    );

    const sameResolver = twin({
      projections: [],
      graphql: { typeDefs: '"Twin." scalar Twin', resolvers: { Query: { note: () => null } } },
    });
    const error = (() => {
      try {
        composeGraphql([notesModule, sameResolver], 'type Query { "x" x: Int }');
      } catch (e) {
        return e as ModuleConflictError;
      }
    })();
    expect(error).toBeInstanceOf(ModuleConflictError);
    expect(error?.toJSON()).toEqual({
      code: 'MODULE_CONFLICT',
      message: 'graphql-resolver Query.note is defined by both module notes and module twin',
      part: 'graphql-resolver',
      claimed: 'Query.note',
      modules: ['notes', 'twin'],
    });
  });
});
