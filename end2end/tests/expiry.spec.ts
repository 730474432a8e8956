import { test, expect, open, isNoJs, findBrand, placeOrder, control } from './fixtures';

// Moves the sandbox clock for everyone: runs alone, after the other projects.
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
  expect(isNoJs(info.project.name)).toBe(false);
});
