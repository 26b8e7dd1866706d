import { defineConfig } from 'vitest/config';

// .ci/run sets ROTA_TEST_REPORT so that it can print the `N passed, N failed` line CI reads.
const report = process.env.ROTA_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Property tests walk many zones and years; generous but bounded.
    testTimeout: 60_000,
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
