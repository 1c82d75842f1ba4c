/**
 * Two projects, both run by `npm test`: `unit` (no Temporal server, or an in-memory one with fake
 * activities; seconds) and `e2e` (*.e2e.test.ts: real dev servers, the simulator, the stores).
 * `npm run test:unit` runs the first alone. Tests run serially (--runInBand): each end-to-end file
 * starts its own Temporal dev server. The cluster suite (a Temporal server built from source, on
 * PostgreSQL) runs on its own: npm run test:cluster.
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  setupFiles: ['<rootDir>/test/setup-env.js'],
};

module.exports = {
  testTimeout: 180_000,
  // Native handles of the Temporal test environments can outlive their teardown by seconds; the report
  // is written by then, so jest exits instead of waiting on them.
  forceExit: true,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'] },
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/test/cluster\\.e2e\\.test\\.ts$'] },
  ],
};
