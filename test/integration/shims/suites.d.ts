// The virtual module scripts/build-tests.mjs generates: it imports every test/integration/*.test.ts.
declare module 'losslens:suites' {}
