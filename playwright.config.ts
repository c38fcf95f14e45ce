/*
 * Browser tests of the demo app (packages/app/e2e-tests), run by scripts/e2e.sh against the backend
 * serving the built app on :7007, the AWS emulator and the seeded demo fleet. See docs/e2e.md.
 *
 * Playwright cannot download its browsers here: the tests drive Debian's Chromium (apt-get install
 * chromium), or whatever CHROMIUM_PATH names.
 */
import { defineConfig, Project } from '@playwright/test';

/** Debian's Chromium, started as the machine allows (no sandbox as root, no network of its own). */
const debianChromium: Project['use'] = {
  browserName: 'chromium',
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  // One backend on two cores: tests run one after the other, and a failure is a failure.
  workers: 1,
  retries: 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  // Screenshots, traces and other artifacts of each test (gitignored).
  outputDir: 'test-results',
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:7007',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    {
      // Waits for the catalog and collects the demo fleet once, through the backend's API.
      name: 'setup',
      testMatch: /.*\.setup\.ts/,
    },
    {
      name: 'chromium',
      dependencies: ['setup'],
      testIgnore: /.*\.bench\.ts/,
      use: debianChromium,
    },
    // Benchmarks that print figures (yarn bench:ui); not part of the test command.
    ...(process.env.E2E_BENCH
      ? [
          {
            name: 'bench',
            dependencies: ['setup'],
            testMatch: /.*\.bench\.ts/,
            use: debianChromium,
          },
        ]
      : []),
  ],
});
