// Compiles chain/Token.sol with the npm `solc` (solc-js) and prints
// {"abi": [...], "bytecode": "0x..."} — the tests deploy that bytecode on anvil.
import solc from 'solc';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = readFileSync(fileURLToPath(new URL('./Token.sol', import.meta.url)), 'utf8');
const input = {
  language: 'Solidity',
  sources: { 'Token.sol': { content: source } },
  settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const token = output.contracts['Token.sol'].Token;
process.stdout.write(JSON.stringify({ abi: token.abi, bytecode: '0x' + token.evm.bytecode.object }));
