import { defineConfig } from '@playwright/test';

// Debian's chromium; never `npx playwright install` (no browser downloads here).
export const launchOptions = {
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
};
const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  // The JSON report is what `scripts/check-browser-report` reads: CI fails when
  // the suite didn't run, ran too few tests, skipped more than the JS-only ones,
  // or had any failure or flake (`cargo leptos end-to-end` itself exits 0 when
  // its build fails).
  reporter: [['list'], ['json', { outputFile: 'test-results/report.json' }]],
  forbidOnly: true,
  use: { baseURL, launchOptions, trace: 'retain-on-failure' },
  projects: [
    { name: 'hydrated', testIgnore: /expiry|dialects|money/, use: { browserName: 'chromium', javaScriptEnabled: true } },
    { name: 'no-js', testIgnore: /expiry|dialects|money/, use: { browserName: 'chromium', javaScriptEnabled: false } },
    // Counts orders at the sandbox and switches faults on order creation: alone.
    {
      name: 'money',
      testMatch: /money/,
      dependencies: ['hydrated', 'no-js'],
      use: { browserName: 'chromium', javaScriptEnabled: true },
    },
    // Moves the sandbox clock, so it runs alone after the others.
    {
      name: 'expiry',
      testMatch: /expiry/,
      dependencies: ['money'],
      use: { browserName: 'chromium', javaScriptEnabled: true },
    },
    // Switches the sandbox's answer shapes for everyone: alone, after the rest.
    {
      name: 'dialects',
      testMatch: /dialects/,
      dependencies: ['expiry'],
      use: { browserName: 'chromium', javaScriptEnabled: true },
    },
  ],
  // `cargo leptos end-to-end` starts the server itself; a plain `npx playwright test`
  // starts it here. Either way the tests wait until it answers.
  webServer: {
    command: 'cd .. && cargo leptos serve --release --precompress',
    url: `${baseURL}/healthz`,
    reuseExistingServer: true,
    timeout: 900_000,
    env: {
      CR_SANDBOX_DELIVERY_DELAY_MS: '500',
      CR_ORDER_RATE_PER_MINUTE: '10000',
      CR_CHECK_RATE_PER_MINUTE: '10000',
      CR_UPSTREAM_RATE_PER_MINUTE: '100000',
      CR_SANDBOX_CONTROL_TOKEN: process.env.CR_SANDBOX_CONTROL_TOKEN ?? 'e2e-control-token',
      CR_PARTNER_ID: process.env.CR_PARTNER_ID ?? 'e2e-canary-partner-6f2a',
    },
  },
});
