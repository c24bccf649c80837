/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: { '^@sluice/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts' },
  globalSetup: '<rootDir>/test-support/global-setup.ts',
  testTimeout: 30000,
};
