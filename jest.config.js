/** Tests run serially (--runInBand): each integration file starts its own Temporal dev server. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  testTimeout: 180_000,
  setupFiles: ['<rootDir>/test/setup-env.js'],
};
