import { defineConfig } from '@playwright/test';
import { launchOptions } from '../playwright.config';

// bench/cluster's browser runs, through nginx in front of three storefront
// instances (BASE_URL). No webServer: the harness starts everything and waits for it.
// Debian's chromium, launched as in ../playwright.config.ts; never `npx playwright install`.
const baseURL = process.env.BASE_URL;
if (!baseURL) throw new Error('BASE_URL (nginx in front of the cluster) is required: run `bash bench/cluster`');

// The purchase journey, reused as it is from ../tests (fixtures: any page error
// or console error fails a test; hydration is proven before interacting):
// browse (home), checkout, pay and Done (order), the cart (crypto-checkout), the
// CSP (security: also catches an image or script an instance would serve from
// elsewhere) and the partner id kept out of every answer (secret).
// Left out: expiry and dialects move the one sandbox's clock or answer shapes for
// everyone (they run alone in the single-instance suite); accessibility and
// languages check pages, not the cluster. Nothing here forges X-Forwarded-For
// (that is tests/hardening.rs, against one instance); nginx overwrites it anyway.
const journey = /(home|checkout|order|crypto-checkout|security|secret)\.spec\.ts$/;

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.CLUSTER_PW_OUTPUT ?? '/tmp/storefront-cluster-playwright',
  use: { baseURL, launchOptions, trace: 'retain-on-failure' },
  projects: [
    // The names the fixtures know (isNoJs).
    { name: 'hydrated', testDir: '../tests', testMatch: journey, use: { browserName: 'chromium', javaScriptEnabled: true } },
    { name: 'no-js', testDir: '../tests', testMatch: journey, use: { browserName: 'chromium', javaScriptEnabled: false } },
    // A refused plain form post and its follow-up on two different instances.
    { name: 'cluster-no-js', testDir: '.', testMatch: /draft\.spec\.ts$/, use: { browserName: 'chromium', javaScriptEnabled: false } },
    // Redis stopped by the harness: the checkout fails closed, in words.
    { name: 'redis-down-hydrated', testDir: '.', testMatch: /redis-down\.spec\.ts$/, use: { browserName: 'chromium', javaScriptEnabled: true } },
    { name: 'redis-down-no-js', testDir: '.', testMatch: /redis-down\.spec\.ts$/, use: { browserName: 'chromium', javaScriptEnabled: false } },
    // Kills an instance: run alone, last.
    { name: 'failover', testDir: '.', testMatch: /failover\.spec\.ts$/, use: { browserName: 'chromium', javaScriptEnabled: true } },
  ],
});
