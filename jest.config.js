/**
 * Tests run serially (--runInBand): each integration file starts its own Temporal dev server. The
 * cluster suite (a Temporal server built from source, on PostgreSQL) runs on its own: npm run test:cluster.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/cluster\\.e2e\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  testTimeout: 180_000,
  setupFiles: ['<rootDir>/test/setup-env.js'],
};
