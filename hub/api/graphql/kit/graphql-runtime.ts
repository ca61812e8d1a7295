import { createRequire } from 'node:module';

/**
 * The `graphql` module as mercurius loads it (CommonJS). graphql-js checks `instanceof` across
 * module instances, so schema types, errors and rules handed to mercurius must come from this
 * instance, not from the ESM build an `import` would load.
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');
