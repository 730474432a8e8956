import { test, expect, open, isNoJs, findBrand, placeOrder } from './fixtures';

// Every CSP violation the page meets is collected (the init script is injected by
// the browser itself, so the CSP does not apply to it).
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

function scriptSrc(csp: string | undefined): string {
  return (csp ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
}

test('every page runs only its own inline script, allowed by its hash, with no inline-script exception', async ({ shop: page, request }, info) => {
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  const seen: string[] = [];
  for (const path of ['/', `/brands/US/${b.family}`, '/cart', '/countries']) {
    const resp = await open(page, path, info.project.name);
    const src = scriptSrc(resp?.headers()['content-security-policy']);
    expect(src, path).toMatch(/'sha256-[A-Za-z0-9+/]+={0,2}'/);
    expect(src, path).not.toContain("'nonce-");
    expect(src, path).not.toContain("'unsafe-inline'");
    // The page as sent names no nonce: the same bytes for every visitor.
    expect(await (await request.get(path)).text(), path).not.toContain(' nonce="');
    seen.push(src);
  }
  // One loader, one hash, on every page.
  expect(new Set(seen).size).toBe(1);
  // The shopper can still search and buy: hydration and the checkout work under it.
  await open(page, `/brands/US/${b.family}`, info.project.name);
  const id = await placeOrder(page);
  expect(id.length).toBeGreaterThan(8);
  expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
});

test('two shoppers given a kept brand page each place an order of their own', async ({ shop: page, browser, request }, info) => {
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  const path = `/brands/US/${b.family}`;
  // The page as the cache keeps it (behind a balancer, each instance keeps its
  // own: asked again until it comes from one that kept it).
  const openKept = async (p: typeof page) => {
    let resp = await open(p, path, info.project.name);
    for (let i = 0; i < 5 && resp?.headers()['x-page-cache'] !== 'hit'; i++) {
      resp = await open(p, path, info.project.name);
    }
    expect(resp?.headers()['x-page-cache']).toBe('hit');
  };
  // The second shopper, in a browser of their own.
  const other = await browser.newContext({ javaScriptEnabled: !isNoJs(info.project.name) });
  const theirs = await other.newPage();
  await openKept(theirs);
  await openKept(page);
  const mine = await placeOrder(page);
  const their = await placeOrder(theirs);
  expect(their).not.toBe(mine);
  await other.close();
});

test('a country link that would send the shopper off-site keeps them on the shop', async ({ shop: page, baseURL }, info) => {
  for (const next of ['/%09/evil.example', '/%5Cevil.example', '//evil.example']) {
    await page.goto(`/country?country=DE&next=${next}`);
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Germany');
  }
  if (!isNoJs(info.project.name)) {
    expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
  }
});

test('an order page, which shows a delivered code, is never stored', async ({ shop: page, request }, info) => {
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  await open(page, `/brands/US/${b.family}`, info.project.name);
  const id = await placeOrder(page);
  const resp = await page.goto(`/orders/${id}`);
  expect(resp?.headers()['cache-control']).toBe('no-store');
  await expect(page.getByText(/Waiting for your payment/)).toBeVisible();
});
