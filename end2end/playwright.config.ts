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
// `scripts/test` picks a free port and passes it in BASE_URL.
const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const siteAddr = new URL(baseURL).host;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  // The JSON report is what `scripts/check-browser-report` reads: CI fails when
  // the suite didn't run, ran fewer tests than it holds, skipped any but the
  // named JavaScript-only ones, or had any failure or flake.
  reporter: [['list'], ['json', { outputFile: 'test-results/report.json' }]],
  forbidOnly: true,
  use: { baseURL, launchOptions, trace: 'retain-on-failure' },
  projects: [
    { name: 'hydrated', testIgnore: /expiry|dialects|money|wallet/, use: { browserName: 'chromium', javaScriptEnabled: true } },
    { name: 'no-js', testIgnore: /expiry|dialects|money|wallet/, use: { browserName: 'chromium', javaScriptEnabled: false } },
    // Pay with a connected wallet on local chains: its own anvils and its own
    // server (tests/wallet.spec.ts starts them), so it runs beside the others.
    { name: 'wallet', testMatch: /wallet/, use: { browserName: 'chromium', javaScriptEnabled: true } },
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
  // The suite starts its own server: the release build `scripts/test` made
  // (`bash scripts/build` first, for a plain `npx playwright test`), on the
  // port of BASE_URL. Never a server something else started there: if the
  // port is taken, the run fails instead of testing a stranger.
  webServer: {
    command: 'cd .. && exec ./target/release/storefront',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ADDR: siteAddr,
      CR_SANDBOX_DELIVERY_DELAY_MS: '500',
      CR_ORDER_RATE_PER_MINUTE: '10000',
      CR_CHECK_RATE_PER_MINUTE: '10000',
      CR_UPSTREAM_RATE_PER_MINUTE: '100000',
      CR_SANDBOX_CONTROL_TOKEN: process.env.CR_SANDBOX_CONTROL_TOKEN ?? 'e2e-control-token',
      CR_PARTNER_ID: process.env.CR_PARTNER_ID ?? 'e2e-canary-partner-6f2a',
      // The address the footer and order pages give (bench/cluster's instances too).
      CR_SUPPORT_EMAIL: 'help@shop.example',
    },
  },
});
