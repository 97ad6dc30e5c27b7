// node tee.mjs <prefix> -- <command> [args...]: runs the command with stdin and stdout relayed as they are,
// appending what goes in to <prefix>.in and what comes out to <prefix>.out, byte for byte. Tests put one on
// each side of the wrapper to see that what the client sent is what the server got, and back.
import { spawn } from 'node:child_process';
import { openSync, writeSync } from 'node:fs';

const [prefix, dashes, command, ...args] = process.argv.slice(2);
if (!prefix || dashes !== '--' || !command) {
  process.stderr.write('usage: tee.mjs <prefix> -- <command> [args...]\n');
  process.exit(2);
}
const input = openSync(`${prefix}.in`, 'a');
const output = openSync(`${prefix}.out`, 'a');
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.on('data', (chunk) => {
  writeSync(input, chunk);
  child.stdin.write(chunk);
});
process.stdin.on('end', () => child.stdin.end());
child.stdin.on('error', () => {});
child.stdout.on('data', (chunk) => {
  writeSync(output, chunk);
  process.stdout.write(chunk);
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 : 1);
});
