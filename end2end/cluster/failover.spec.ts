import { test, expect, open, findBrand, placeOrder, control } from '../tests/fixtures';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Killing the instance that serves a shopper's live order view: the browser's
// stream breaks, it reconnects through nginx (which skips the dead instance) to
// another one, and the order still goes live to Done there.
//
// CLUSTER_INSTANCES="port:pid,port:pid,port:pid" (from bench/cluster). Which
// instance holds the stream is read from the kernel: the stream is nginx's one
// long-lived connection to an instance; the others' idle keep-alive connections
// close within nginx's upstream keepalive_timeout (4 s).

type Instance = { port: number; pid: number };
const instances: Instance[] = (process.env.CLUSTER_INSTANCES ?? '')
  .split(',')
  .filter(Boolean)
  .map((s) => {
    const [port, pid] = s.split(':').map(Number);
    return { port, pid };
  });

function established(port: number): number {
  const out = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim() !== '').length;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The one instance among `candidates` with connections from nginx, the same for 1.5 s. */
async function streamHolder(candidates: Instance[], timeoutMs = 20_000): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  let holder: Instance | undefined;
  let since = 0;
  while (Date.now() < deadline) {
    const counts = candidates.map((i) => ({ i, n: established(i.port) }));
    seen = counts.map((c) => `:${c.i.port} ${c.n}`).join(', ');
    const holding = counts.filter((c) => c.n > 0);
    if (holding.length === 1) {
      if (holder !== holding[0].i) {
        holder = holding[0].i;
        since = Date.now();
      } else if (Date.now() - since >= 1_500) {
        return holder;
      }
    } else {
      holder = undefined;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no single instance holds the live stream after ${timeoutMs} ms (established connections: ${seen})`);
}

test('the live view survives the death of its instance and reaches Done on another', async ({ shop: page, request }, info) => {
  test.setTimeout(120_000);
  expect(instances.length, 'CLUSTER_INSTANCES').toBeGreaterThanOrEqual(2);
  for (const i of instances) expect(alive(i.pid), `instance :${i.port} (pid ${i.pid}) runs`).toBe(true);

  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  await open(page, `/brands/US/${b.family}`, info.project.name);
  const id = await placeOrder(page);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('order-state')).toHaveAttribute('data-state', 'WaitingForPayment');
  const live = page.getByText('Live: this page updates by itself.');
  await expect(live).toBeVisible();

  const victim = await streamHolder(instances);
  const killedAt = Date.now();
  process.kill(victim.pid, 'SIGKILL');
  await expect.poll(() => alive(victim.pid), { message: `instance :${victim.port} is gone` }).toBe(false);

  // The stream broke: the page says so, then is live again, through nginx, elsewhere.
  await expect(page.getByText('Reconnecting…')).toBeVisible({ timeout: 10_000 });
  await expect(live).toBeVisible({ timeout: 20_000 });
  const liveAgainMs = Date.now() - killedAt;
  const survivors = instances.filter((i) => i !== victim);
  const now = await streamHolder(survivors);

  await control(request, `/orders/${id}/pay`);
  const state = page.getByTestId('order-state');
  await expect(state).toHaveAttribute('data-state', 'Done', { timeout: 30_000 });
  await expect(page.getByRole('list', { name: 'Cards in this order' })).toBeVisible();
  await expect(page.getByTestId('pin-code').or(page.getByRole('link', { name: 'Redeem now' }))).toBeVisible();
  // It got there live, not by the polling fallback.
  await expect(page.getByText('Live updates interrupted; checking every few seconds.')).toHaveCount(0);

  const result = { order: id, killed: victim.port, reconnected_to: now.port, live_again_ms: liveAgainMs };
  console.log(`failover: ${JSON.stringify(result)}`);
  const out = process.env.CLUSTER_OUT;
  if (out) fs.writeFileSync(path.join(out, 'failover.json'), JSON.stringify(result, null, 2));
});
