import { test, expect, open, isNoJs } from './fixtures';

test('home lists the brands of the country and filters them', async ({ shop: page }, info) => {
  await open(page, '/', info.project.name);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('United States');
  const all = page.getByRole('list', { name: 'All brands' });
  await expect(all.getByRole('listitem').first()).toBeVisible();
  const total = await all.getByRole('listitem').count();
  expect(total).toBeGreaterThanOrEqual(12);
  // Logos come in webp sizes with a jpg fallback and fixed dimensions.
  const img = all.getByRole('listitem').first().locator('img');
  await expect(img).toHaveAttribute('width', '300');
  await expect(img).toHaveAttribute('height', '190');

  await page.getByLabel('Kind').selectOption({ label: 'eSIMs' });
  if (isNoJs(info.project.name)) await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/kind=esim/);
  await expect(page.getByRole('heading', { name: 'Matching brands' })).toBeVisible();
  const esims = await page.getByRole('list', { name: 'All brands' }).getByRole('listitem').count();
  expect(esims).toBeGreaterThan(0);
  expect(esims).toBeLessThan(total);
  for (const meta of await page.getByRole('list', { name: 'All brands' }).getByRole('listitem').allTextContents()) {
    expect(meta).toContain('eSIM');
  }

  await page.getByLabel('Search brands').fill('zzzz-no-such-brand');
  if (isNoJs(info.project.name)) await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('No brand matches these filters')).toBeVisible();
});

test('the country choice drives the catalogue and persists', async ({ shop: page }, info) => {
  await open(page, '/', info.project.name);
  await page.getByLabel('Country', { exact: true }).fill('Germany (DE)');
  await page.getByRole('button', { name: 'Change country' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Germany');
  await open(page, '/', info.project.name);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Germany');
  await expect(page.getByLabel('Country', { exact: true })).toHaveValue('Germany (DE)');

  await page.getByLabel('Country', { exact: true }).fill('Atlantis');
  await page.getByRole('button', { name: 'Change country' }).click();
  await expect(page.getByRole('alert')).toContainText("We don't know that country");
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Germany');
});

test('a country is found by its English, native or local name, or its code', async ({ shop: page }, info) => {
  for (const [typed, name] of [
    ['Turkey', 'Türkiye'],
    ['Viet Nam', 'Vietnam'],
    ['Việt Nam', 'Vietnam'],
    ['Ivory Coast', "Côte d'Ivoire"],
    ["Côte d'Ivoire", "Côte d'Ivoire"],
    ['Deutschland', 'Germany'],
    ['tr', 'Türkiye'],
  ]) {
    await open(page, '/', info.project.name);
    await page.getByLabel('Country', { exact: true }).fill(typed);
    await page.getByRole('button', { name: 'Change country' }).click();
    await expect(page.getByRole('heading', { level: 1 }), typed).toContainText(name);
  }
  // The suggestions carry the other names, so the browser's own list finds them too.
  // They are not in every page: with JavaScript they arrive when the field is
  // first used; without, the full list is one link away.
  const labels = () =>
    page.evaluate(() => Array.from(document.querySelectorAll('datalist option')).map((o) => (o as HTMLOptionElement).label));
  await open(page, '/', info.project.name);
  expect(await labels()).toEqual([]);
  if (isNoJs(info.project.name)) {
    await page.getByRole('link', { name: 'See all countries' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose your country');
  } else {
    await page.getByLabel('Country', { exact: true }).focus();
  }
  await expect.poll(async () => (await labels()).length).toBe(233);
  expect((await labels()).some((l) => l.startsWith('Türkiye (TR)') && l.includes('Turkey'))).toBe(true);
});

test('every country is one link away, with and without JavaScript', async ({ shop: page }, info) => {
  await open(page, '/', info.project.name);
  await page.getByRole('link', { name: 'See all countries' }).click();
  const list = page.getByRole('list', { name: 'All countries' });
  await expect(list.getByRole('link')).toHaveCount(233);
  await list.getByRole('link', { name: 'Germany (DE)' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Germany');
  await expect(page).toHaveURL(/\/$/);
});

test('unknown pages, brands and orders are real 404s', async ({ shop: page }) => {
  for (const path of ['/no/such/page', '/brands/US/no-such-brand', '/orders/00000000-0000-0000-0000-000000000000']) {
    const resp = await page.goto(path);
    expect(resp?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  }
});
