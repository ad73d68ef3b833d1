import { defineConfig } from 'vitest/config'

// One command runs everything (README): unit, integration (real server, SQLite and Postgres), e2e (Chromium).
export default defineConfig({
  test: {
    // removes the temp folders and Postgres schemas the run's fresh databases used
    globalSetup: ['tests/global-setup.ts'],
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // browsers are heavy on a 2-core machine: one e2e file at a time
          fileParallelism: false,
        },
      },
    ],
  },
})
