// "Pay with your wallet" against real local chains: two anvils (chain ids 1 and
// 8453) with our ERC-20, a storefront whose sandbox watches them (chain/world.ts),
// and a test wallet injected into the page (EIP-6963 announced, EIP-1193
// requests forwarded to the anvil of its current chain, the way an extension
// would). A transfer the page asks for is mined, the sandbox sees it, and the
// live view shows the code. Its own project: its own server.
import { type Page } from '@playwright/test';
import { ACCOUNTS, SOLANA_BLOCKHASH, TOKEN, World, rpc, transfer, transferData } from '../chain/world';
import * as kit from '@solana/kit';
import { CONTROL_TOKEN, expect, placeOrder, test as shopTest } from './fixtures';

type WalletOptions = {
  name?: string;
  account?: string;
  /** The chain the wallet is on at first (hex). */
  chainId?: string;
  /** The chains it knows (hex); others must be added. */
  known?: string[];
  rejectSend?: boolean;
  rejectSwitch?: boolean;
  /** Grants no account (a wallet locked, or this site not allowed one). */
  noAccounts?: boolean;
  /** The wallet fails to send (an internal error, not the shopper's choice). */
  failSend?: boolean;
  /** A bare `window.ethereum`, not announced through EIP-6963. */
  legacy?: boolean;
};

const test = shopTest.extend<{ wallet: (o?: WalletOptions) => Promise<void> }, { world: World }>({
  world: [
    async ({}, use) => {
      const world = new World();
      await world.start({
        CR_SANDBOX_DELIVERY_DELAY_MS: '300',
        CR_ORDER_RATE_PER_MINUTE: '10000',
        CR_CHECK_RATE_PER_MINUTE: '10000',
        CR_UPSTREAM_RATE_PER_MINUTE: '100000',
        CR_SANDBOX_CONTROL_TOKEN: CONTROL_TOKEN,
        CR_PARTNER_ID: 'e2e-canary-partner-6f2a',
      });
      try {
        await use(world);
      } finally {
        world.stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  wallet: async ({ shop: page, world }, use) => {
    await use(async (o: WalletOptions = {}) => {
      await page.exposeFunction('__anvil', (chain: string, method: string, params: unknown[]) => {
        const url = world.chains[parseInt(chain, 16)];
        if (!url) throw Object.assign(new Error(`no chain ${chain}`), { code: 4901 });
        return rpc(url, method, params);
      });
      await page.addInitScript(testWallet, {
        name: o.name ?? 'Test Wallet',
        account: o.account ?? ACCOUNTS.shopper,
        chainId: o.chainId ?? '0x1',
        known: o.known ?? ['0x1', '0x2105'],
        rejectSend: !!o.rejectSend,
        rejectSwitch: !!o.rejectSwitch,
        noAccounts: !!o.noAccounts,
        failSend: !!o.failSend,
        legacy: !!o.legacy,
      });
    });
  },
});

/** The injected wallet: runs in the page before its own code. */
function testWallet(o: Required<WalletOptions>) {
  const w = window as unknown as Record<string, unknown>;
  let chainId = o.chainId;
  const known = [...o.known];
  const sent: unknown[] = [];
  const asked: string[] = [];
  w.__wallet = { sent, asked, chain: () => chainId };
  const fail = (code: number, message: string) => Object.assign(new Error(message), { code });
  const anvil = w.__anvil as (chain: string, method: string, params: unknown[]) => Promise<unknown>;
  const provider = {
    async request({ method, params = [] }: { method: string; params?: unknown[] }) {
      asked.push(method);
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          return o.noAccounts ? [] : [o.account];
        case 'eth_chainId':
          return chainId;
        case 'wallet_switchEthereumChain': {
          if (o.rejectSwitch) throw fail(4001, 'User rejected the request.');
          const want = (params[0] as { chainId: string }).chainId;
          if (!known.includes(want)) throw fail(4902, 'Unrecognized chain ID');
          chainId = want;
          return null;
        }
        case 'wallet_addEthereumChain':
          known.push((params[0] as { chainId: string }).chainId);
          w.__added = params[0];
          return null;
        case 'eth_sendTransaction':
          if (o.rejectSend) throw fail(4001, 'User rejected the request.');
          if (o.failSend) throw fail(-32603, 'Internal JSON-RPC error.');
          sent.push({ chainId, ...(params[0] as object) });
          return anvil(chainId, method, params);
        default:
          return anvil(chainId, method, params);
      }
    },
  };
  if (o.legacy) {
    w.ethereum = provider;
    return;
  }
  const announce = () =>
    window.dispatchEvent(
      new CustomEvent('eip6963:announceProvider', {
        detail: Object.freeze({ info: { uuid: '0b1c3f0e-1111-4222-8333-944455556666', name: o.name, icon: 'data:image/svg+xml,<svg/>', rdns: 'example.test' }, provider }),
      }),
    );
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
}

/** Places a one-card order paid with `choice` (`USDC|Base`: coin and network); lands on its page. */
async function order(page: Page, world: World, choice: string, path = '/brands/US/steam') {
  await page.goto(world.url + path);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel(/^(Pay with|Ödeme yöntemi|Thanh toán bằng)$/).selectOption(choice);
  if (path.startsWith('/tr/') || path.startsWith('/vi/')) {
    await page.getByLabel(/Hediye kartının gönderileceği e-posta|Email nhận thẻ quà tặng/).fill('friend@example.com');
    await page.getByLabel(/E-posta adresiniz \(makbuz için\)|Email của bạn \(để nhận biên lai\)/).fill('buyer@example.com');
    await page.getByRole('button', { name: /Siparişi onayla|Đặt hàng/ }).click();
    await expect(page).toHaveURL(/\/orders\/[0-9a-zA-Z_-]+$/);
  } else {
    await placeOrder(page);
  }
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** The live view shows the order done, and its code (or redeem link). */
async function reachesDone(page: Page) {
  await expect(page.getByTestId('order-state')).toHaveAttribute('data-state', 'Done', { timeout: 20_000 });
  await expect(page.getByTestId('pin-code').or(page.getByRole('link', { name: 'Redeem now' })).first()).toBeVisible();
}

async function due(page: Page) {
  return {
    address: (await page.getByTestId('wallet-address').textContent())!.trim(),
    units: BigInt(Math.round(Number(await page.getByTestId('coin-amount').textContent()) * 1_000_000)),
  };
}

const sentTx = (page: Page) => page.evaluate(() => (window as unknown as { __wallet: { sent: Record<string, string>[] } }).__wallet.sent);

test('on Base: one click from the order page sends the exact transfer, the chain is switched, and the live view reaches the code', async ({ shop: page, world, wallet }) => {
  await wallet({ chainId: '0x1' });
  await order(page, world, 'USDC|Base');
  const { address, units } = await due(page);
  // Held in the mempool: the page says what it sent before the network has it.
  await rpc(world.chains[8453], 'evm_setAutomine', [false]);
  try {
    await page.getByRole('button', { name: 'Pay with Test Wallet' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Sent — waiting for the network.' });
    await expect(status).toBeVisible();
    const [tx] = await sentTx(page);
    expect(tx).toEqual({ chainId: '0x2105', from: ACCOUNTS.shopper, to: TOKEN, data: transferData(address, units), value: '0x0' });
    const hash = (await status.getByTestId('wallet-tx').textContent())!;
    await expect(status.getByRole('link', { name: 'See it on BaseScan' })).toHaveAttribute('href', `https://basescan.org/tx/${hash}`);
    await rpc(world.chains[8453], 'evm_mine');
    await reachesDone(page);
    await expect(page.getByTestId('receipt-tx')).toHaveText(hash);
  } finally {
    await rpc(world.chains[8453], 'evm_setAutomine', [true]);
  }
});

test('on Ethereum: a wallet that doesn\'t know the chain adds it, then pays USDT', async ({ shop: page, world, wallet }) => {
  await wallet({ chainId: '0x2105', known: ['0x2105'] });
  await order(page, world, 'USDT|Mainnet');
  const { address, units } = await due(page);
  await page.getByRole('button', { name: 'Pay with Test Wallet' }).click();
  await reachesDone(page);
  const added = await page.evaluate(() => (window as unknown as { __added: { chainId: string; chainName: string } }).__added);
  expect([added.chainId, added.chainName]).toEqual(['0x1', 'Ethereum']);
  const [tx] = await sentTx(page);
  expect(tx.chainId).toBe('0x1');
  expect(tx.data).toBe(transferData(address, units));
});

test('after a partial payment the wallet sends exactly the rest', async ({ shop: page, world, wallet }) => {
  await wallet({ legacy: true, chainId: '0x2105' });
  await order(page, world, 'USDC|Base');
  const { address, units } = await due(page);
  await transfer(world.chains[8453], ACCOUNTS.shopper, address, 4_000_000n);
  await expect(page.getByRole('heading', { name: /Send the remaining/ })).toBeVisible();
  const rest = await due(page);
  expect(rest.units).toBe(units - 4_000_000n);
  // A bare window.ethereum: the button has no wallet name.
  await page.getByRole('button', { name: 'Pay with your wallet' }).click();
  await reachesDone(page);
  const [tx] = await sentTx(page);
  expect(tx.data).toBe(transferData(address, rest.units));
});

for (const [lang, path, words] of [
  ['en', '/brands/US/steam', 'You declined in your wallet. Nothing was sent.'],
  ['tr', '/tr/brands/US/steam', 'Cüzdanınızda reddettiniz. Hiçbir şey gönderilmedi.'],
  ['vi', '/vi/brands/US/steam', 'Bạn đã từ chối trong ví. Không có gì được gửi.'],
] as const) {
  test(`declined in the wallet: nothing is sent, said in ${lang}, and the button works again`, async ({ shop: page, world, wallet }) => {
    await wallet({ rejectSend: true, chainId: '0x2105' });
    await order(page, world, 'USDC|Base', path);
    const button = page.locator('[data-wallet-button]');
    await button.click();
    await expect(page.getByRole('status').filter({ hasText: words })).toBeVisible();
    await expect(button).toBeEnabled();
    expect(await sentTx(page)).toEqual([]);
    await expect(page.getByTestId('wallet-address')).toBeVisible();
  });
}

test('each refusal in words: switch refused, too little token, too little for the fee', async ({ shop: page, world, wallet, browser }) => {
  await wallet({ rejectSwitch: true, chainId: '0x1' });
  await order(page, world, 'USDC|Base');
  await page.getByRole('button', { name: 'Pay with Test Wallet' }).click();
  await expect(page.getByRole('status').filter({ hasText: "Your wallet didn't switch to Base. Nothing was sent" })).toBeVisible();

  for (const [account, words] of [
    [ACCOUNTS.poor, /This account holds less than [\d.]+ USDC on Base\. Nothing was sent\./],
    [ACCOUNTS.noGas, 'This account has too little ETH for the network fee on Base. Nothing was sent.'],
  ] as const) {
    const context = await browser.newContext();
    const other = await context.newPage();
    const errors: string[] = [];
    other.on('pageerror', (e) => errors.push(e.message));
    await other.exposeFunction('__anvil', (chain: string, method: string, params: unknown[]) => rpc(world.chains[parseInt(chain, 16)], method, params));
    await other.addInitScript(testWallet, { name: 'Test Wallet', account, chainId: '0x2105', known: ['0x2105'], rejectSend: false, rejectSwitch: false, noAccounts: false, failSend: false, legacy: false });
    await order(other, world, 'USDC|Base');
    await other.getByRole('button', { name: 'Pay with Test Wallet' }).click();
    await expect(other.getByRole('status').filter({ hasText: words })).toBeVisible();
    expect(await sentTx(other)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }
});

test('a wallet that grants no account: nothing is sent, said in words', async ({ shop: page, world, wallet }) => {
  await wallet({ noAccounts: true, chainId: '0x2105' });
  await order(page, world, 'USDC|Base');
  await page.getByRole('button', { name: 'Pay with Test Wallet' }).click();
  await expect(page.getByRole('status').filter({ hasText: "Your wallet didn't let this account send. Nothing was sent" })).toBeVisible();
  expect(await sentTx(page)).toEqual([]);
});

test('a wallet that fails to send says the transaction failed, and the details stay', async ({ shop: page, world, wallet }) => {
  await wallet({ failSend: true, chainId: '0x2105' });
  await order(page, world, 'USDC|Base');
  await page.getByRole('button', { name: 'Pay with Test Wallet' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The transaction failed in your wallet. Nothing was sent' })).toBeVisible();
  await expect(page.getByTestId('wallet-address')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Pay with Test Wallet' })).toBeEnabled();
});

test('no wallet: no button; the QR code, the copy buttons and the wallet link as before', async ({ shop: page, world }) => {
  await order(page, world, 'USDC|Base');
  await expect(page.getByRole('link', { name: 'Open in wallet app' })).toHaveAttribute('href', new RegExp(`^ethereum:${TOKEN}@8453/transfer`));
  await expect(page.getByRole('img', { name: /QR code to pay/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy address' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Pay with/ })).toHaveCount(0);
});

test('without JavaScript nothing changes: no wallet button, the payment details and link are there', async ({ browser, world }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(world.url + '/brands/US/steam');
  await page.getByLabel('Pay with', { exact: true }).selectOption('USDC|Base');
  await placeOrder(page);
  await expect(page.getByRole('heading', { name: /Send exactly [\d.]+ USDC on Base/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Open in wallet app' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Pay with/ })).toHaveCount(0);
  await context.close();
});

/** A Solana wallet registering through the Wallet Standard: connects with
 * `payer`, keeps the transaction it is asked to sign and send, and answers a
 * signature of 64 bytes of 7 (nothing reaches a chain: there is none here). */
function solanaWallet(o: { payer: string; payerBytes: number[]; reject: boolean }) {
  const w = window as unknown as Record<string, unknown>;
  const sent: number[][] = [];
  w.__solana = { sent };
  const account = { address: o.payer, publicKey: new Uint8Array(o.payerBytes), chains: ['solana:mainnet'], features: [] };
  const wallet = {
    version: '1.0.0',
    name: 'Test Solana Wallet',
    icon: 'data:image/svg+xml,<svg/>',
    chains: ['solana:mainnet'],
    accounts: [],
    features: {
      'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: [account] }) },
      'solana:signAndSendTransaction': {
        version: '1.0.0',
        supportedTransactionVersions: ['legacy'],
        signAndSendTransaction: async (input: { transaction: Uint8Array; chain: string }) => {
          if (o.reject) throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
          sent.push(Array.from(input.transaction), [input.chain.length]);
          return [{ signature: new Uint8Array(64).fill(7) }];
        },
      },
    },
  };
  const register = ({ register }: { register: (w: unknown) => void }) => register(wallet);
  window.addEventListener('wallet-standard:app-ready', (e) => register((e as unknown as { detail: { register: (w: unknown) => void } }).detail));
  window.dispatchEvent(Object.assign(new Event('wallet-standard:register-wallet'), { detail: register }));
}

const SOLANA_PAYER = new Uint8Array(32).fill(3);
const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const ATA_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
const USDC_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

async function ata(owner: string, mint: string) {
  const enc = kit.getAddressEncoder();
  const [pda] = await kit.getProgramDerivedAddress({
    programAddress: kit.address(ATA_PROGRAM),
    seeds: [enc.encode(kit.address(owner)), enc.encode(kit.address(TOKEN_PROGRAM)), enc.encode(kit.address(mint))],
  });
  return pda;
}

test('on Solana: the wallet signs and sends the transferChecked the server built, decoded here to the byte', async ({ shop: page, world }) => {
  const payer = kit.getBase58Decoder().decode(SOLANA_PAYER);
  await page.addInitScript(solanaWallet, { payer, payerBytes: Array.from(SOLANA_PAYER), reject: false });
  await order(page, world, 'USDC|Solana');
  const { address, units } = await due(page);
  await page.getByRole('button', { name: 'Pay with Test Solana Wallet' }).click();
  const status = page.getByRole('status').filter({ hasText: 'Sent — waiting for the network.' });
  await expect(status).toBeVisible();
  const signature = kit.getBase58Decoder().decode(new Uint8Array(64).fill(7));
  await expect(status.getByTestId('wallet-tx')).toHaveText(signature);
  await expect(status.getByRole('link', { name: 'See it on Solscan' })).toHaveAttribute('href', `https://solscan.io/tx/${signature}`);

  // What the wallet was given, decoded by @solana/kit.
  const sent = await page.evaluate(() => (window as unknown as { __solana: { sent: number[][] } }).__solana.sent);
  const tx = kit.getTransactionDecoder().decode(new Uint8Array(sent[0]));
  const message = kit.getCompiledTransactionMessageDecoder().decode(tx.messageBytes) as unknown as {
    lifetimeToken: string;
    staticAccounts: string[];
    instructions: { programAddressIndex: number; accountIndices?: number[]; data?: Uint8Array }[];
  };
  expect(Object.keys(tx.signatures)).toEqual([payer]);
  expect(message.lifetimeToken).toBe(SOLANA_BLOCKHASH);
  const keys = message.staticAccounts.map(String);
  expect(keys[0]).toBe(payer);
  const [create, transferChecked] = message.instructions;
  expect(keys[create.programAddressIndex]).toBe(ATA_PROGRAM);
  expect(Array.from(create.data ?? [])).toEqual([1]);
  const destination = await ata(address, USDC_MINT);
  const source = await ata(payer, USDC_MINT);
  expect(create.accountIndices!.map((i: number) => keys[i])).toEqual([payer, destination, address, USDC_MINT, '11111111111111111111111111111111', TOKEN_PROGRAM]);
  expect(keys[transferChecked.programAddressIndex]).toBe(TOKEN_PROGRAM);
  expect(transferChecked.accountIndices!.map((i: number) => keys[i])).toEqual([source, USDC_MINT, destination, payer]);
  const data = new DataView(new Uint8Array(transferChecked.data!).buffer);
  expect([data.getUint8(0), data.getBigUint64(1, true), data.getUint8(9)]).toEqual([12, units, 6]);

  // The network's part, played by the sandbox: the live view goes on to the code.
  const id = page.url().split('/orders/')[1];
  const r = await page.request.post(`${world.url}/sandbox/control/orders/${id}/pay`, { data: { tx: signature }, headers: { authorization: `Bearer ${CONTROL_TOKEN}` } });
  expect(r.ok()).toBeTruthy();
  await reachesDone(page);
});

test('on Solana: declined in the wallet, nothing is sent and it says so', async ({ shop: page, world }) => {
  const payer = kit.getBase58Decoder().decode(SOLANA_PAYER);
  await page.addInitScript(solanaWallet, { payer, payerBytes: Array.from(SOLANA_PAYER), reject: true });
  await order(page, world, 'USDC|Solana');
  await page.getByRole('button', { name: 'Pay with Test Solana Wallet' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You declined in your wallet. Nothing was sent.' })).toBeVisible();
});
