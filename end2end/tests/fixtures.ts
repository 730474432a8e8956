import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page, type APIRequestContext } from '@playwright/test';

/** Fails the test on any uncaught page error or console error; waits for hydration. */
export const test = base.extend<{ shop: Page }>({
  shop: async ({ page }, use, testInfo) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !expectedConsoleError(m.text())) problems.push(`console: ${m.text()}`);
    });
    await use(page);
    expect(problems, `page errors in ${testInfo.title}`).toEqual([]);
  },
});
export { expect };

// Status codes the tests provoke on purpose (404 pages, refused orders, a form
// sent from another website, a stream taken down by a fault switch) are logged
// by Chromium as console errors.
function expectedConsoleError(text: string): boolean {
  return /status of (403|404|409|422|429|500|502|503)|EventSource|net::ERR_/.test(text);
}

export const isNoJs = (projectName: string) => projectName === 'no-js';

/** Opens a page and, when JavaScript runs, waits until the app has hydrated. */
export async function open(page: Page, path: string, projectName: string) {
  const resp = await page.goto(path);
  if (!isNoJs(projectName)) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
  return resp;
}

type Brand = { family: string; brand: string; kind: string; is_out_of_stock: boolean };
type Product = { is_dynamic: boolean; is_out_of_stock?: boolean; face_value?: { amount?: { price?: string } }; range?: { min?: string; max?: string } };

async function call(request: APIRequestContext, endpoint: string, form: Record<string, string>) {
  const r = await request.post(`/api/${endpoint}`, { form, headers: { accept: 'application/json' } });
  expect(r.ok(), `${endpoint} ${r.status()}`).toBeTruthy();
  return r.json();
}

/** Finds a brand of the sandbox catalogue: fixed or range amounts, of a kind. */
export async function findBrand(
  request: APIRequestContext,
  country: string,
  want: { kind: string; range: boolean },
): Promise<{ family: string; brand: string; amount: string; min?: string; max?: string }> {
  const dir = await call(request, 'catalog/brands', { country });
  for (const b of dir.all_brands as Brand[]) {
    if (b.kind !== want.kind || b.is_out_of_stock) continue;
    const page = await call(request, 'catalog/products', { country, family: b.family });
    const products = page.family.products as Product[];
    const hasFixed = products.some((p) => !p.is_dynamic && !p.is_out_of_stock);
    if (want.range && !hasFixed) {
      const r = products.find((p) => p.is_dynamic && p.range);
      if (r?.range?.min && r.range.max) return { family: b.family, brand: b.brand, amount: r.range.min, min: r.range.min, max: r.range.max };
    }
    if (!want.range && hasFixed) {
      const p = products.find((p) => !p.is_dynamic && !p.is_out_of_stock)!;
      return { family: b.family, brand: b.brand, amount: p.face_value?.amount?.price ?? '' };
    }
  }
  throw new Error(`no ${want.kind} ${want.range ? 'range' : 'fixed'} brand in ${country}`);
}

/** The sandbox control token the server under test was given (playwright.config.ts). */
export const CONTROL_TOKEN = process.env.CR_SANDBOX_CONTROL_TOKEN ?? 'e2e-control-token';
export const controlHeaders = { authorization: `Bearer ${CONTROL_TOKEN}` };

/** Sandbox control: pay an order, add a fault, move the clock. */
export async function control(request: APIRequestContext, path: string, data: object = {}) {
  const r = await request.post(`/sandbox/control${path}`, { data, headers: controlHeaders });
  expect(r.ok(), `control ${path}: ${r.status()}`).toBeTruthy();
  return r.json().catch(() => null);
}

/** Fills the checkout with a valid gift-card order and places it; returns the order id. */
export async function placeOrder(page: Page, opts: { beneficiary?: string; email?: string } = {}) {
  await page.getByLabel(/Email to receive|Phone number to top up/).fill(opts.beneficiary ?? 'friend@example.com');
  await page.getByLabel('Your email (for the receipt)').fill(opts.email ?? 'buyer@example.com');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-zA-Z_-]+$/);
  return page.url().split('/orders/')[1];
}

/**
 * axe-core's violations on the page as it is now (`what: rule targets`, one a
 * line; none is what a test expects). `js` says whether the page runs JavaScript.
 * Without it, what the shopper sees is scanned as shown:
 * - axe counts `<noscript>` content as hidden, always; a browser without
 *   JavaScript shows it. Each `<noscript>` is replaced by its content (no role,
 *   no box of its own: nothing else changes; form controls stay in their form).
 * - the page's timers never fire, and axe waits on them: for the scan alone,
 *   timers fire as microtasks instead (the page runs none of its own code).
 */
export async function axeViolations(page: Page, what: string, js: boolean): Promise<string[]> {
  if (!js) {
    await page.evaluate(() => {
      for (const n of Array.from(document.querySelectorAll('noscript'))) n.replaceWith(...Array.from(n.childNodes));
      const w = window as unknown as Record<string, unknown>;
      w.__timers = [w.setTimeout, w.clearTimeout];
      w.setTimeout = (fn: () => void) => {
        void Promise.resolve().then(fn);
        return 0;
      };
      w.clearTimeout = () => {};
    });
  }
  try {
    const result = await new AxeBuilder({ page }).analyze();
    return result.violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target).join(' ')}`);
  } finally {
    if (!js) {
      await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        [w.setTimeout, w.clearTimeout] = w.__timers as unknown[];
      });
    }
  }
}
