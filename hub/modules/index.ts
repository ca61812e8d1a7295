import type { HubModule } from '../kernel/module.js';
import { accessModule } from './access/index.js';
import { accessLogModule } from './access-log/index.js';
import { adminUnitsModule } from './admin-units/index.js';
import { agenciesModule } from './agencies/index.js';
import { auditModule } from './audit/index.js';
import { calendarModule } from './calendar/index.js';
import { consentModule } from './consent/index.js';
import { consoleModule } from './console/index.js';
import { contractsModule } from './contracts/index.js';
import { dataQualityModule } from './data-quality/index.js';
import { documentsModule } from './documents/index.js';
import { dossiersModule } from './dossiers/index.js';
import { erasureModule } from './erasure/index.js';
import { exchangeModule } from './exchange/index.js';
import { lineageModule } from './lineage/index.js';
import { openLineageModule } from './openlineage/index.js';
import { prefillModule } from './prefill/index.js';
import { proceduresModule } from './procedures/index.js';
import { recordsModule } from './records/index.js';
import { serviceIndexModule } from './service-index/index.js';

/**
 * Every capability of the hub. The projection registry, the GraphQL schema and resolvers and the
 * operator CLI are built from this list (projections run in this order); a new module is a folder
 * under `hub/modules/` and one line here.
 */
export const hubModules: readonly HubModule[] = [
  adminUnitsModule,
  calendarModule,
  recordsModule,
  agenciesModule,
  contractsModule,
  proceduresModule,
  consentModule,
  accessModule,
  documentsModule,
  dossiersModule,
  prefillModule,
  serviceIndexModule,
  exchangeModule,
  accessLogModule,
  lineageModule,
  auditModule,
  dataQualityModule,
  openLineageModule,
  consoleModule,
  erasureModule,
];
