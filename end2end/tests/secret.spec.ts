import { test, expect, open, isNoJs, findBrand, placeOrder, control } from './fixtures';

// The server under test runs with CR_PARTNER_ID set to this canary (scripts/test
// and playwright.config.ts both set it).
const CANARY = process.env.CR_PARTNER_ID ?? 'e2e-canary-partner-6f2a';

test('nothing the browser receives contains the partner id', async ({ shop: page, request }, info) => {
  const bodies: Promise<string>[] = [];
  page.on('response', (r) => bodies.push(r.body().then((b) => b.toString('latin1')).catch(() => '')));
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  await open(page, '/', info.project.name);
  await open(page, `/brands/US/${b.family}`, info.project.name);
  const id = await placeOrder(page);
  await control(request, `/orders/${id}/pay`);
  if (!isNoJs(info.project.name)) {
    await expect(page.getByTestId('order-state')).toHaveAttribute('data-state', 'Done', { timeout: 20_000 });
  }
  const all = await Promise.all(bodies);
  expect(all.length).toBeGreaterThan(3);
  for (const body of all) expect(body.includes(CANARY)).toBe(false);
});
