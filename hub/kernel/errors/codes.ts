import type * as access from './access.js';
import type * as accessLog from './access-log.js';
import type * as adminUnits from './admin-units.js';
import type * as agencies from './agencies.js';
import type * as api from './api.js';
import type * as audit from './audit.js';
import type * as auth from './auth.js';
import type { HubError } from './base.js';
import type * as calendar from './calendar.js';
import type * as cli from './cli.js';
import type * as config from './config.js';
import type * as connectors from './connectors.js';
import type * as consent from './consent.js';
import type * as contracts from './contracts.js';
import type * as dataQuality from './data-quality.js';
import type * as decider from './decider.js';
import type * as demo from './demo.js';
import type * as documentFolder from './document-folder.js';
import type * as documents from './documents.js';
import type * as dossierDocuments from './dossier-documents.js';
import type * as dossiers from './dossiers.js';
import type * as events from './event-validation.js';
import type * as eventstore from './eventstore.js';
import type * as exchange from './exchange.js';
import type * as exchangeHubs from './exchange-hubs.js';
import type * as exchangeSignature from './exchange-signature.js';
import type * as http from './http.js';
import type * as identity from './identity.js';
import type * as lineage from './lineage.js';
import type * as modules from './modules.js';
import type * as openlineage from './openlineage.js';
import type * as privacy from './privacy.js';
import type * as procedures from './procedures.js';
import type * as projections from './projections.js';
import type * as serviceIndex from './service-index.js';

type CodesOf<Area> = {
  [K in keyof Area]: Area[K] extends abstract new (
    ...args: never[]
  ) => infer E
    ? E extends HubError
      ? E['code']
      : never
    : never;
}[keyof Area];

/**
 * Every code of the registry, derived from the error classes of each area (an area file missing
 * here leaves its codes out of the union, so add new areas to this list).
 */
export type HubErrorCode =
  | CodesOf<typeof access>
  | CodesOf<typeof accessLog>
  | CodesOf<typeof api>
  | CodesOf<typeof audit>
  | CodesOf<typeof adminUnits>
  | CodesOf<typeof agencies>
  | CodesOf<typeof auth>
  | CodesOf<typeof calendar>
  | CodesOf<typeof cli>
  | CodesOf<typeof config>
  | CodesOf<typeof exchangeHubs>
  | CodesOf<typeof connectors>
  | CodesOf<typeof consent>
  | CodesOf<typeof contracts>
  | CodesOf<typeof dataQuality>
  | CodesOf<typeof decider>
  | CodesOf<typeof demo>
  | CodesOf<typeof documentFolder>
  | CodesOf<typeof documents>
  | CodesOf<typeof dossierDocuments>
  | CodesOf<typeof dossiers>
  | CodesOf<typeof events>
  | CodesOf<typeof eventstore>
  | CodesOf<typeof exchange>
  | CodesOf<typeof exchangeSignature>
  | CodesOf<typeof http>
  | CodesOf<typeof identity>
  | CodesOf<typeof lineage>
  | CodesOf<typeof modules>
  | CodesOf<typeof openlineage>
  | CodesOf<typeof privacy>
  | CodesOf<typeof procedures>
  | CodesOf<typeof projections>
  | CodesOf<typeof serviceIndex>;
