/**
 * The folder rule of `npm run deps`: no cycles between folders of production code. It is checked
 * in a run of its own because it leaves out tests and the test support (`*.test.ts`, `hub/testing/`):
 * a folder's tests use the test hub, which builds the whole hub, so with them every folder would
 * reach every other. The file rules, tests included, are in `.dependency-cruiser.cjs`.
 */
const { options } = require('./.dependency-cruiser.cjs');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'No cycles between folders: when a folder imports another, nothing in the second reaches back into the first. Shared types and helpers live in the folder that owns them or in a leaf (the kernel, hub/api/graphql/kit/, hub/cli/kit/, demo/data/).',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    ...options,
    exclude: { path: ['(^|/)[^/]+\\.test\\.ts$', '^hub/testing/', '(^|/)dist/'] },
  },
};
