import type { HubModule } from '../../kernel/module.js';
import { accessLogPlugin } from './plugin.js';

/**
 * The access log as inspectors and citizens read it: every read of an inspector recorded
 * (`InspectionPerformed`, the `inspections` service other modules use).
 */
export const accessLogModule: HubModule = {
  name: 'access-log',
  projections: [],
  plugin: accessLogPlugin,
};

export * from './events.js';
export { InspectionLog, type InspectionRecord } from './inspections.js';
