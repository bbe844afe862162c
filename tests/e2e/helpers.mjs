// helpers.mjs - shared set-up for the end-to-end tests: where the host and
// the plugins are (from the environment ctest sets), temporary YAML configs,
// and a raw JSON-RPC-over-stdio driver for what the SDK clients cannot send.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run these tests through ctest (tests/e2e/CMakeLists.txt sets it), ` +
        'or set MCPHOST_BIN, MCPHOST_PLUGIN_DIR and MCPHOST_FIXTURE_DIR by hand');
  }
  return value;
}

export const HOST_BIN = requiredEnv('MCPHOST_BIN');
export const PLUGIN_DIR = requiredEnv('MCPHOST_PLUGIN_DIR');
export const FIXTURE_DIR = requiredEnv('MCPHOST_FIXTURE_DIR');

for (const p of [HOST_BIN, PLUGIN_DIR, FIXTURE_DIR]) {
  if (!fs.existsSync(p)) throw new Error(`${p} does not exist: build the project first`);
}

export const ECHO_SO = path.join(PLUGIN_DIR, 'libmcphost_echo.so');
export const fixture = (name) => path.join(FIXTURE_DIR, `lib${name}.so`);

// Generous: the same tests run against the Debug + ASan/UBSan build.
export const WAIT_MS = 20000;

export const MODERN_VERSION = '2026-07-28';
export const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CAPS = 'io.modelcontextprotocol/clientCapabilities';
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

// The _meta a 2026-07-28 request carries.
export function modernMeta(extra = {}) {
  return {
    [META_VERSION]: MODERN_VERSION,
    [META_CAPS]: {},
    [META_CLIENT_INFO]: { name: 'mcphost-e2e-raw', version: '1.0.0' },
    ...extra,
  };
}

let tmpRoot;
// A fresh temporary folder for this test process; removed at exit.
export function tempDir() {
  if (!tmpRoot) {
    tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'mcphost-e2e-'));
    process.on('exit', () => fs.rmSync(tmpRoot, { recursive: true, force: true }));
  }
  return fs.mkdtempSync(path.join(tmpRoot, 'cfg-'));
}

// Writes `yaml` to a new config file and returns its path.
export function writeConfig(yaml) {
  const file = path.join(tempDir(), 'mcphost.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

const q = (s) => JSON.stringify(s);  // a JSON string is a valid YAML scalar

// The config most tests use: echo (default alias: echo__echo), misbehaving
// (misbehaving__*) and cpp_helper (cpp_helper__*), all loaded by `path:`.
export function standardConfig({ server = {} } = {}) {
  const serverLines = Object.entries({ log_level: 'info', ...server })
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? q(v) : v}`)
    .join('\n');
  return writeConfig(`server:
${serverLines}
plugins:
  - path: ${q(ECHO_SO)}
  - path: ${q(fixture('misbehaving'))}
  - path: ${q(fixture('cpp_helper'))}
`);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls `pred` until it is true; rejects after `ms` with `what` in the message.
export async function eventually(pred, what, ms = WAIT_MS) {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

// mcp-host spawned with pipes, spoken to in raw newline-delimited JSON-RPC.
// Every stdout line is kept (`lines`), parsed when it is JSON (`messages`);
// lines that do not parse are kept in `garbage`, so a test can check that
// stdout carries only protocol messages.
export class RawHost {
  constructor(configPath, extraArgs = []) {
    this.child = spawn(HOST_BIN, ['--config', configPath, ...extraArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = [];
    this.messages = [];
    this.garbage = [];
    this.stderr = '';
    this.exitCode = undefined;
    this.exitSignal = undefined;
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve({ code, signal });
      });
    });
    this.child.stdin.on('error', () => {});  // EPIPE after the host exits: the test will see the exit
    let pending = Buffer.alloc(0);
    this.child.stdout.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      let nl;
      while ((nl = pending.indexOf(0x0a)) >= 0) {
        const line = pending.subarray(0, nl).toString('utf8');
        pending = pending.subarray(nl + 1);
        this.lines.push(line);
        try {
          this.messages.push(JSON.parse(line));
        } catch {
          this.garbage.push(line);
        }
      }
    });
    this.child.stdout.on('end', () => {
      if (pending.length) this.garbage.push(pending.toString('utf8'));  // output must end in a newline
    });
    this.child.stderr.on('data', (chunk) => {
      this.stderr += chunk.toString('utf8');
    });
  }

  // Sends one message: an object (serialised), a string or a Buffer, plus "\n"
  // (or `eol`).
  send(message, eol = '\n') {
    const body = Buffer.isBuffer(message)
      ? message
      : Buffer.from(typeof message === 'string' ? message : JSON.stringify(message), 'utf8');
    this.child.stdin.write(Buffer.concat([body, Buffer.from(eol, 'utf8')]));
  }

  // Responses (not notifications) whose id equals `id`.
  responsesTo(id) {
    return this.messages.filter((m) => m && !Array.isArray(m) && 'id' in m && m.id === id && !('method' in m));
  }

  // Waits for the first message matching `pred` and returns it.
  async waitFor(pred, what, ms = WAIT_MS) {
    let found;
    await eventually(() => {
      if (this.exitCode !== undefined || this.exitSignal) {
        throw new Error(`mcp-host exited (${this.exitCode ?? this.exitSignal}) while waiting for ${what}; ` +
          `stderr:\n${this.stderr}`);
      }
      found = this.messages.find(pred);
      return found !== undefined;
    }, what, ms);
    return found;
  }

  // Sends a request and waits for the response with its id.
  async request(id, method, params) {
    const msg = { jsonrpc: '2.0', id, method };
    if (params !== undefined) msg.params = params;
    this.send(msg);
    return this.waitFor((m) => !Array.isArray(m) && m.id === id && !('method' in m), `the response to ${method} (id ${JSON.stringify(id)})`);
  }

  async initialize(protocolVersion = '2025-11-25', id = 'init') {
    const res = await this.request(id, 'initialize', {
      protocolVersion,
      capabilities: {},
      clientInfo: { name: 'mcphost-e2e-raw', version: '1.0.0' },
    });
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return res;
  }

  // Closes stdin and waits for the host to exit.
  async close(ms = WAIT_MS) {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const out = await this.exited;
    clearTimeout(timer);
    return out;
  }
}

// Runs mcp-host to completion with `args` (stdin closed) and returns
// {code, signal, stdout, stderr}.
export function runHost(args, { input = '', ms = WAIT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(HOST_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mcp-host ${args.join(' ')} did not exit within ${ms} ms; stderr:\n${stderr}`));
    }, ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}
