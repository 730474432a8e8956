import { test, expect, open, isNoJs, findBrand, placeOrder, control, axeViolations } from './fixtures';

// Moves the sandbox clock for everyone: runs alone, after the other projects,
// one test after another.
test.describe.configure({ mode: 'serial' });
test('an unpaid order expires after the 30-minute window', async ({ shop: page, request }, info) => {
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  await open(page, `/brands/US/${b.family}`, info.project.name);
  await placeOrder(page);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('order-state')).toHaveAttribute('data-state', 'WaitingForPayment');
  await control(request, '/clock/advance', { seconds: 31 * 60 });
  await expect(page.getByTestId('order-state')).toHaveAttribute('data-state', 'Expired', { timeout: 20_000 });
  await expect(page.getByText(/Expired: the 30-minute payment window ended/)).toBeVisible();
  await expect(page.getByTestId('wallet-address')).toHaveCount(0);
  // Nothing was paid: no step is drawn as done.
  const progress = page.getByRole('list', { name: 'Progress' });
  await expect(progress.getByRole('listitem').filter({ hasText: 'Payment' })).toContainText('(did not happen)');
  await expect(progress).not.toContainText('(done)');
  expect(isNoJs(info.project.name)).toBe(false);
});

for (const js of [true, false]) {
  test.describe(js ? 'hydrated' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    test('an order past its window offers to order again with the same details, never to pay', async ({ shop: page, request }) => {
      const project = js ? 'expiry' : 'no-js';
      const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
      await open(page, `/brands/US/${b.family}`, project);
      const first = await placeOrder(page, { beneficiary: 'again@example.com' });
      await control(request, '/clock/advance', { seconds: 31 * 60 });
      await open(page, `/orders/${first}`, project);
      await expect(page.getByTestId('wallet-address')).toHaveCount(0);
      await expect(page.getByRole('heading', { name: 'The time to pay is over' })).toBeVisible();
      // The order page as served after the deadline (without JavaScript, the only
      // way it is seen): axe scans it here, where the moved clock is ours alone.
      expect(await axeViolations(page, 'order past its window', js)).toEqual([]);
      await page.getByRole('button', { name: 'Order again with the same details' }).click();
      await expect(page).toHaveURL(new RegExp(`/brands/US/${b.family}`));
      await expect(page.getByLabel('Email to receive the gift card')).toHaveValue('again@example.com');
      await expect(page.getByLabel('Your email (for the receipt)')).toHaveValue('buyer@example.com');
      await page.getByRole('button', { name: 'Place order' }).click();
      await expect(page).toHaveURL(/\/orders\/[0-9a-zA-Z_-]+$/);
      expect(page.url()).not.toContain(first);
    });
  });
}
