// A world of its own for the wallet tests: two local chains (anvil from the npm
// registry, chain ids 1 and 8453), our 6-decimal ERC-20 deployed on both by
// anvil's first account (the same address on each), funded test accounts, and
// a storefront (the release build) whose sandbox watches both chains. Each is
// started here on a free loopback port and stopped at the end.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

const here = __dirname;
const repo = join(here, '..', '..');

/** anvil's unlocked dev accounts: the deployer, then the test shoppers. */
export const ACCOUNTS = {
  deployer: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
  shopper: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
  /** No token at all. */
  poor: '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc',
  /** Tokens, but no ETH for the fee. */
  noGas: '0x90f79bf6eb2c4f870365e785982e1f101e93b906',
};
/** The first contract anvil's first account deploys (nonce 0). */
export const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';

export type Chains = Record<number, string>;

/** The recent blockhash the fake Solana RPC answers (32 bytes of 5). */
export const SOLANA_BLOCKHASH = 'LbUiWL3xVV8hTFYBVdbTNrpDo41NKS6o3LHHuDzjfcY';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** One JSON-RPC call; an error answer throws. */
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = (await r.json()) as { result?: unknown; error?: { message: string; code: number } };
  if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
  return answer.result;
}

async function until<T>(what: string, f: () => Promise<T | null | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`never ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends from an unlocked account and waits for the receipt (status 1). */
export async function send(url: string, tx: Record<string, string>): Promise<{ transactionHash: string; contractAddress?: string }> {
  const hash = (await rpc(url, 'eth_sendTransaction', [tx])) as string;
  const receipt = await until('mined', async () => (await rpc(url, 'eth_getTransactionReceipt', [hash])) as { status: string; transactionHash: string; contractAddress?: string } | null);
  if (receipt.status !== '0x1') throw new Error(`reverted: ${hash}`);
  return receipt;
}

const word = (hex: string) => hex.replace(/^0x/, '').toLowerCase().padStart(64, '0');

/** `transfer(to, units)` calldata. */
export const transferData = (to: string, units: bigint) => `0xa9059cbb${word(to)}${word(units.toString(16))}`;

/** A token transfer from an unlocked account, mined. */
export async function transfer(url: string, from: string, to: string, units: bigint) {
  return send(url, { from, to: TOKEN, data: transferData(to, units) });
}

export class World {
  procs: ChildProcess[] = [];
  solanaRpc?: Server;
  chains: Chains = {};
  url = '';
  logs: string[] = [];

  async start(env: Record<string, string>) {
    const anvil = join(here, '..', 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
    if (!existsSync(anvil)) throw new Error(`anvil is missing at ${anvil}: run scripts/setup`);
    const compiled = JSON.parse(execFileSync(process.execPath, [join(here, 'compile.mjs')], { encoding: 'utf8' })) as { bytecode: string };
    for (const id of [1, 8453]) {
      const port = await freePort();
      this.procs.push(spawn(anvil, ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(id), '--silent'], { stdio: 'ignore' }));
      const url = `http://127.0.0.1:${port}`;
      await until('anvil answers', () => rpc(url, 'eth_chainId'));
      const deployed = await send(url, { from: ACCOUNTS.deployer, data: compiled.bytecode });
      if (deployed.contractAddress?.toLowerCase() !== TOKEN) throw new Error(`token at ${deployed.contractAddress}`);
      await transfer(url, ACCOUNTS.deployer, ACCOUNTS.shopper, 1_000_000_000n);
      await transfer(url, ACCOUNTS.deployer, ACCOUNTS.noGas, 1_000_000_000n);
      await rpc(url, 'anvil_setBalance', [ACCOUNTS.noGas, '0x0']);
      this.chains[id] = url;
    }
    // No SVM serves from the registries here: a Solana RPC that answers the one
    // call the shop makes (getLatestBlockhash); the transaction the page gets
    // is decoded by the test instead (README: decoded, not sent).
    const solanaPort = await freePort();
    this.solanaRpc = createHttpServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { context: { slot: 1 }, value: { blockhash: SOLANA_BLOCKHASH, lastValidBlockHeight: 100 } } }));
    });
    await new Promise<void>((resolve) => this.solanaRpc!.listen(solanaPort, '127.0.0.1', resolve));
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const tokens = ['USDC@1', 'USDT@1', 'USDC@8453', 'USDT@8453'].map((p) => `${p}=${TOKEN}`).join(',');
    const server = spawn(join(repo, 'target', 'release', 'storefront'), [], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...env,
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        CR_SANDBOX_EVM_RPC: `${this.chains[1]},${this.chains[8453]}`,
        CR_SANDBOX_EVM_TOKEN: TOKEN,
        CR_EVM_TOKENS: tokens,
        CR_SOLANA_RPC_URL: `http://127.0.0.1:${solanaPort}`,
      },
    });
    server.stdout?.on('data', (d) => this.logs.push(String(d)));
    server.stderr?.on('data', (d) => this.logs.push(String(d)));
    this.procs.push(server);
    await until('the storefront answers', async () => ((await fetch(`${this.url}/healthz`)).ok ? true : null), 60_000);
  }

  stop() {
    for (const p of this.procs) p.kill();
    this.solanaRpc?.close();
  }
}
