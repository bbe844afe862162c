// http_helpers.mjs - mcp-host over Streamable HTTP for the end-to-end tests:
// a host on a free loopback port (listen 127.0.0.1:0; the port is read from
// the "listening on" line mcp-host prints on stderr), configs with a
// server.http block, and raw fetch() helpers for status-code checks.
import { spawn } from 'node:child_process';

import { ECHO_SO, HOST_BIN, WAIT_MS, fixture, modernMeta, writeConfig } from './helpers.mjs';

const q = (s) => JSON.stringify(s);

// The standard plugins (echo, misbehaving, cpp_helper) served over HTTP;
// `http` is merged into server.http (written as a JSON flow mapping).
export function httpConfig(http = {}, { server = {}, extraPlugins = '' } = {}) {
  const serverLines = Object.entries({ log_level: 'info', transport: 'http', ...server })
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? q(v) : v}`)
    .join('\n');
  return writeConfig(`server:
${serverLines}
  http: ${JSON.stringify({ listen: '127.0.0.1:0', ...http })}
plugins:
  - path: ${q(ECHO_SO)}
  - path: ${q(fixture('misbehaving'))}
  - path: ${q(fixture('cpp_helper'))}
${extraPlugins}`);
}

// mcp-host serving HTTP; `await HttpHost.start(cfg)` resolves once it listens.
export class HttpHost {
  static async start(configPath, { env = {}, args = [] } = {}) {
    const h = new HttpHost(configPath, env, args);
    await h.ready;
    return h;
  }

  constructor(configPath, env, args) {
    this.stderr = '';
    this.child = spawn(HOST_BIN, ['--config', configPath, '--transport', 'http', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mcp-host did not start listening; stderr:\n${this.stderr}`)), WAIT_MS);
      this.child.stderr.on('data', (c) => {
        this.stderr += c.toString('utf8');
        const m = /listening on (http:\/\/[^\s]+)/.exec(this.stderr);
        if (m && !this.url) {
          this.url = m[1];
          this.origin = new URL(this.url).origin;
          clearTimeout(timer);
          resolve();
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        if (!this.url) reject(new Error(`mcp-host exited (${code ?? signal}) before listening; stderr:\n${this.stderr}`));
      });
    });
    this.ready.catch(() => {});
  }

  // Sends `signal` and waits for the exit; SIGKILL after `ms`.
  async stop(signal = 'SIGTERM', ms = WAIT_MS) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const out = await this.exited;
    clearTimeout(timer);
    return out;
  }
}

export const ACCEPT_BOTH = 'application/json, text/event-stream';

// POST one JSON-RPC body (object or raw string) with the usual headers,
// overridable through `headers` (a null value removes a header).
export async function post(url, body, headers = {}) {
  const h = { 'content-type': 'application/json', accept: ACCEPT_BOTH };
  for (const [k, v] of Object.entries(headers)) {
    if (v === null) delete h[k.toLowerCase()];
    else h[k.toLowerCase()] = v;
  }
  const res = await fetch(url, { method: 'POST', headers: h, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: parseBody(res.headers, text) };
}

// The JSON-RPC messages of a response body: one JSON value, or the data of
// every SSE event.
export function parseBody(headers, text) {
  const type = headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    return text.split('\n\n').flatMap((ev) => {
      const data = ev.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return data ? [JSON.parse(data)] : [];
    });
  }
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// A modern request and the headers 2026-07-28 asks for.
export function modernRequest(id, method, params = {}, metaExtra = {}) {
  return { jsonrpc: '2.0', id, method, params: { ...params, _meta: modernMeta(metaExtra) } };
}
export function modernHeaders(method, name) {
  const h = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': method };
  if (name !== undefined) h['mcp-name'] = name;
  return h;
}

export const INIT = {
  jsonrpc: '2.0',
  id: 'init',
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'mcphost-e2e-http', version: '1.0.0' } },
};

// initialize + notifications/initialized; returns the session id.
export async function legacySession(url, protocolVersion = '2025-11-25') {
  const r = await post(url, { ...INIT, params: { ...INIT.params, protocolVersion } });
  if (r.status !== 200) throw new Error(`initialize: HTTP ${r.status} ${r.text}`);
  const sid = r.headers.get('mcp-session-id');
  const n = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid });
  if (n.status !== 202) throw new Error(`notifications/initialized: HTTP ${n.status}`);
  return sid;
}
