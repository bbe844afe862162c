// http.test.mjs - Streamable HTTP status codes with raw requests: both eras
// on one endpoint, the 2026-07-28 validation order, legacy sessions (expiry,
// cap, DELETE, GET stream, batches), guards (Host, Origin, CORS, bearer
// auth), limits, /metrics parsed by a Prometheus text-format parser from npm
// (exact counts by method and era), and the SIGTERM drain (calls that end
// within the grace period, calls that outlive it). Every host listens on a
// free loopback port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

import { getMetricsFromIterator } from 'prom2javascript';

import { PLUGIN_DIR, WAIT_MS, sleep, tempDir } from './helpers.mjs';
import {
  HttpHost,
  INIT,
  httpConfig,
  legacySession,
  modernHeaders,
  modernRequest,
  parseBody,
  post,
} from './http_helpers.mjs';

// A request through node:http, which (unlike fetch) may set Host freely.
function raw(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

const errorCode = (r) => r.json?.error?.code;

// /metrics through a real Prometheus text-format parser (prom2javascript,
// pinned in package-lock.json: it refuses malformed sample and label lines
// and histograms whose +Inf bucket differs from _count), flattened to
// samples; plus what the format asks of histograms beyond that: le
// ascending, buckets cumulative (never decreasing), +Inf last.
async function parsePrometheus(text) {
  const parsed = await getMetricsFromIterator(text.split('\n')[Symbol.iterator]());
  const families = new Map();
  const samples = [];
  const histograms = new Map();
  for (const [name, metric] of Object.entries(parsed)) {
    families.set(name, metric.type);
    assert.ok(['counter', 'gauge', 'histogram'].includes(metric.type), `${name} has a TYPE line (got ${metric.type})`);
    if (metric.type !== 'histogram') {
      for (const d of metric.data) samples.push({ name, labels: d.labels, value: d.value });
      continue;
    }
    histograms.set(name, metric.data);
    for (const h of metric.data) {
      const key = `${name}${JSON.stringify(h.labels)}`;
      const bounds = Object.keys(h.buckets).map((le) => [le === '+Inf' ? Infinity : Number(le), h.buckets[le]]);
      bounds.sort((a, b) => a[0] - b[0]);
      assert.ok(bounds.length >= 2, `${key}: buckets`);
      assert.equal(bounds.at(-1)[0], Infinity, `${key}: ends at +Inf`);
      for (let i = 1; i < bounds.length; i++) {
        assert.ok(bounds[i][1] >= bounds[i - 1][1], `${key}: buckets cumulative (le=${bounds[i][0]})`);
      }
      assert.equal(h.buckets['+Inf'], h.count, `${key}: +Inf bucket equals _count`);
      assert.ok(h.sum >= 0, `${key}: _sum`);
      for (const [le, v] of Object.entries(h.buckets)) samples.push({ name: `${name}_bucket`, labels: { ...h.labels, le }, value: v });
      samples.push({ name: `${name}_sum`, labels: h.labels, value: h.sum });
      samples.push({ name: `${name}_count`, labels: h.labels, value: h.count });
    }
  }
  return { families, samples, histograms };
}

async function inProgress(host) {
  const m = await raw(`${host.origin}/metrics`);
  return Number(/^mcp_http_requests_in_progress (\d+)$/m.exec(m.text)?.[1]);
}

describe('HTTP: one endpoint, both eras', () => {
  let host;
  before(async () => {
    host = await HttpHost.start(httpConfig());
  });
  after(async () => {
    const { code } = await host.stop();
    assert.equal(code, 0, `mcp-host exits 0 on SIGTERM; stderr:\n${host.stderr}`);
  });

  it('serves the operations endpoints, exempt from the Host check', async () => {
    const health = await raw(`${host.origin}/health`, { headers: { host: 'pod-10-0-0-5:8080' } });
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.text), { status: 'ok' });
    const ready = await raw(`${host.origin}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(JSON.parse(ready.text).status, 'ready');
    assert.equal((await raw(`${host.origin}/nothing-here`)).status, 404);
    assert.equal((await raw(`${host.origin}/health`, { method: 'POST', body: '{}' })).status, 405);
  });

  it('answers 405 with Allow for other methods, 406 for Accept, 415 for Content-Type, 400 for bad JSON', async () => {
    const put = await raw(host.url, { method: 'PUT', body: '{}' });
    assert.equal(put.status, 405);
    assert.match(put.headers.allow, /POST/);
    assert.match(put.headers.allow, /GET/);
    assert.match(put.headers.allow, /DELETE/);
    const list = modernRequest(1, 'tools/list');
    assert.equal((await post(host.url, list, { ...modernHeaders('tools/list'), accept: 'application/json' })).status, 406);
    assert.equal((await post(host.url, list, { ...modernHeaders('tools/list'), accept: 'text/event-stream' })).status, 406);
    assert.equal((await post(host.url, list, { ...modernHeaders('tools/list'), 'content-type': 'text/plain' })).status, 415);
    const bad = await post(host.url, '{"jsonrpc":"2.0","id":1,');
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), -32700);
  });

  it('refuses a foreign Host or Origin with 403 and accepts the loopback names', async () => {
    const body = JSON.stringify(INIT);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const evil = await raw(host.url, { method: 'POST', body, headers: { ...headers, host: 'evil.example.com' } });
    assert.equal(evil.status, 403);
    const evilOrigin = await raw(host.url, { method: 'POST', body, headers: { ...headers, origin: 'http://evil.example.com' } });
    assert.equal(evilOrigin.status, 403);
    const port = new URL(host.url).port;
    for (const h of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const ok = await raw(host.url, { method: 'POST', body, headers: { ...headers, host: h, origin: `http://${h}` } });
      assert.equal(ok.status, 200, `Host ${h}`);
    }
  });

  it('modern: JSON result, no session id, headers checked in the (b)8 order', async () => {
    const ok = await post(host.url, modernRequest('m1', 'tools/list'), modernHeaders('tools/list'));
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type'), /^application\/json/);
    assert.equal(ok.json.result.resultType, 'complete');
    assert.equal(ok.headers.get('mcp-session-id'), null);

    const noHeader = await post(host.url, modernRequest('m2', 'tools/list'));
    assert.equal(noHeader.status, 400);
    assert.equal(errorCode(noHeader), -32020);
    assert.equal(noHeader.json.id, 'm2');
    const badMethod = await post(host.url, modernRequest('m3', 'tools/list'), modernHeaders('prompts/list'));
    assert.equal(errorCode(badMethod), -32020);
    const call = modernRequest('m4', 'tools/call', { name: 'echo__echo', arguments: { text: 'hi' } });
    const noName = await post(host.url, call, modernHeaders('tools/call'));
    assert.equal(errorCode(noName), -32020);
    const badName = await post(host.url, call, modernHeaders('tools/call', 'echo__other'));
    assert.equal(badName.status, 400);
    assert.equal(errorCode(badName), -32020);
    const b64 = await post(host.url, call, modernHeaders('tools/call', `=?base64?${Buffer.from('echo__echo').toString('base64')}?=`));
    assert.equal(b64.status, 200);
    assert.deepEqual(b64.json.result.content, [{ type: 'text', text: 'hi' }]);

    // Header vs claim comes before the version check; an equal unsupported version is -32022.
    const v999 = modernRequest('m5', 'tools/list', {}, { 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' });
    assert.equal(errorCode(await post(host.url, v999, modernHeaders('tools/list'))), -32020);
    const unsupported = await post(host.url, v999, { ...modernHeaders('tools/list'), 'mcp-protocol-version': 'v999.0.0' });
    assert.equal(unsupported.status, 400);
    assert.equal(errorCode(unsupported), -32022);
    assert.deepEqual(unsupported.json.error.data.supported, ['2026-07-28']);

    // Missing clientCapabilities: -32602 before anything else.
    const noCaps = { jsonrpc: '2.0', id: 'm6', method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } };
    const missing = await post(host.url, noCaps, modernHeaders('tools/list'));
    assert.equal(missing.status, 400);
    assert.equal(errorCode(missing), -32602);
    // A modern header without the claim.
    const bare = await post(host.url, { jsonrpc: '2.0', id: 'm7', method: 'tools/list' }, modernHeaders('tools/list'));
    assert.equal(bare.status, 400);
    assert.equal(errorCode(bare), -32602);
  });

  it('modern: removed and unknown methods are 404 -32601; method-level errors are 200', async () => {
    for (const method of ['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'nope/nothing']) {
      const r = await post(host.url, modernRequest(method, method), modernHeaders(method));
      assert.equal(r.status, 404, method);
      assert.equal(errorCode(r), -32601, method);
      assert.equal(r.json.id, method);
    }
    const unknownTool = await post(host.url, modernRequest('u', 'tools/call', { name: 'nope', arguments: {} }), modernHeaders('tools/call', 'nope'));
    assert.equal(unknownTool.status, 200);
    assert.equal(errorCode(unknownTool), -32602);
  });

  it('modern: progress goes out as SSE before the result, without event ids', async () => {
    const r = await post(host.url, modernRequest('p1', 'tools/call', { name: 'misbehaving__progress', arguments: {} }, { progressToken: 'tok' }),
      modernHeaders('tools/call', 'misbehaving__progress'));
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(r.headers.get('x-accel-buffering'), 'no');
    assert.ok(!/^id:/m.test(r.text), 'no SSE ids on modern streams');
    const kinds = r.json.map((m) => m.method ?? 'response');
    assert.deepEqual(kinds, ['notifications/progress', 'notifications/progress', 'notifications/progress', 'response']);
    assert.equal(r.json.at(-1).id, 'p1');
    assert.equal(r.json.at(-1).result.resultType, 'complete');
  });

  it('modern: a notification is 202; GET and DELETE are for legacy sessions only', async () => {
    const n = await post(host.url, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, _meta: {} } }, modernHeaders('notifications/cancelled'));
    assert.equal(n.status, 202);
    assert.equal(n.text, '');
    const get = await raw(host.url, { headers: { accept: 'text/event-stream', 'mcp-protocol-version': '2026-07-28' } });
    assert.equal(get.status, 405);
  });

  it('modern: a client that disconnects cancels its call', async () => {
    const ac = new AbortController();
    const pending = fetch(host.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...modernHeaders('tools/call', 'misbehaving__slow') },
      body: JSON.stringify(modernRequest('slow', 'tools/call', { name: 'misbehaving__slow', arguments: {} })),
      signal: ac.signal,
    }).catch((e) => e);
    // Wait until the call is in progress, then go away.
    let n = 0;
    while ((n = await inProgress(host)) < 1) await sleep(20);
    assert.equal(n, 1);
    ac.abort();
    await pending;
    // The slow tool runs 10 s unless cancelled; it is gone well before.
    const until = Date.now() + 5000;
    while ((await inProgress(host)) !== 0) {
      assert.ok(Date.now() < until, 'the cancelled call ended');
      await sleep(20);
    }
  });

  it('legacy: initialize mints a session; requests need it (400 missing, 404 unknown)', async () => {
    const init = await post(host.url, INIT);
    assert.equal(init.status, 200);
    assert.equal(init.json.result.protocolVersion, '2025-11-25');
    const sid = init.headers.get('mcp-session-id');
    assert.match(sid, /^[0-9a-f]{64}$/);
    assert.equal((await post(host.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid })).status, 202);

    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    const ok = await post(host.url, list, { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' });
    assert.equal(ok.status, 200);
    assert.ok(ok.json.result.tools.some((t) => t.name === 'echo__echo'));
    assert.equal(ok.json.result.resultType, undefined, 'legacy results carry no resultType');
    assert.equal((await post(host.url, list)).status, 400);
    const unknown = await post(host.url, list, { 'mcp-session-id': 'f'.repeat(64) });
    assert.equal(unknown.status, 404);
    // MCP-Protocol-Version must name a supported version (any of them, as the
    // reference SDK server accepts).
    assert.equal((await post(host.url, list, { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' })).status, 200);
    assert.equal((await post(host.url, list, { 'mcp-session-id': sid, 'mcp-protocol-version': 'bogus' })).status, 400);
    // A second initialize on the session.
    assert.equal((await post(host.url, INIT, { 'mcp-session-id': sid })).status, 400);
    // A posted response is accepted.
    assert.equal((await post(host.url, { jsonrpc: '2.0', id: 99, result: {} }, { 'mcp-session-id': sid })).status, 202);
    // An unknown legacy method is a JSON-RPC error the SDK can read: 200.
    const nope = await post(host.url, { jsonrpc: '2.0', id: 3, method: 'nope/nothing' }, { 'mcp-session-id': sid });
    assert.equal(nope.status, 200);
    assert.equal(errorCode(nope), -32601);
    // DELETE ends it.
    const del = await raw(host.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
    assert.equal(del.status, 200);
    assert.equal((await raw(host.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } })).status, 404);
    assert.equal((await post(host.url, list, { 'mcp-session-id': sid })).status, 404);
    assert.equal((await raw(host.url, { method: 'DELETE' })).status, 400);
  });

  it('legacy: the GET stream (406 without Accept, 409 for a second one)', async () => {
    const sid = await legacySession(host.url);
    assert.equal((await raw(host.url, { headers: { 'mcp-session-id': sid } })).status, 406);
    assert.equal((await raw(host.url, { headers: { accept: 'text/event-stream' } })).status, 400);
    assert.equal((await raw(host.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': 'x' } })).status, 404);
    const ac = new AbortController();
    const res = await fetch(host.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': sid }, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const reader = res.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^: stream open/);
    const second = await raw(host.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': sid } });
    assert.equal(second.status, 409);
    ac.abort();
    await raw(host.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
  });

  it('legacy: POST SSE replies carry event ids; GET + Last-Event-ID replays the rest of that stream', async () => {
    const sid = await legacySession(host.url);
    const h = { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' };
    const call = { jsonrpc: '2.0', id: 'r1', method: 'tools/call', params: { name: 'misbehaving__progress', arguments: {}, _meta: { progressToken: 'tok' } } };
    const r = await post(host.url, call, h);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/event-stream/);
    const ids = [...r.text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]);
    assert.equal(ids.length, 4, r.text);
    assert.equal(new Set(ids).size, 4, 'ids are unique');
    const stream = ids[0].split('-')[0];
    assert.ok(ids.every((id) => id.split('-')[0] === stream), 'ids name their stream');
    const again = await post(host.url, { ...call, id: 'r2' }, h);
    const ids2 = [...again.text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]);
    assert.ok(ids2.length > 0 && ids2.every((id) => !ids.includes(id)), 'unique within the session');

    const g = await raw(host.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': sid, 'last-event-id': ids[0] } });
    assert.equal(g.status, 200);
    assert.deepEqual([...g.text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]), ids.slice(1));
    const msgs = [...g.text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]));
    assert.deepEqual(msgs.map((m) => m.method ?? 'response'), ['notifications/progress', 'notifications/progress', 'response']);
    assert.equal(msgs.at(-1).id, 'r1');
    await raw(host.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
  });

  it('legacy: batches for 2025-03-26 sessions only', async () => {
    const old = await legacySession(host.url, '2025-03-26');
    const batch = [
      { jsonrpc: '2.0', id: 'a', method: 'tools/list' },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
      { jsonrpc: '2.0', id: 'b', method: 'ping' },
    ];
    const r = await post(host.url, batch, { 'mcp-session-id': old });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.map((m) => m.id).sort(), ['a', 'b']);
    const onlyNotes = await post(host.url, [batch[1]], { 'mcp-session-id': old });
    assert.equal(onlyNotes.status, 202);
    const current = await legacySession(host.url);
    const refused = await post(host.url, batch, { 'mcp-session-id': current });
    assert.equal(refused.status, 400);
    assert.equal(errorCode(refused), -32600);
    const claimed = await post(host.url, [modernRequest(1, 'tools/list')], { 'mcp-session-id': old });
    assert.equal(claimed.status, 400);
  });

  it('serves /metrics in the Prometheus text format', async () => {
    await post(host.url, modernRequest('x', 'tools/list'), modernHeaders('tools/list'));
    const m = await raw(`${host.origin}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    const { families, samples } = await parsePrometheus(m.text);
    assert.equal(families.get('mcp_requests_total'), 'counter');
    assert.equal(families.get('mcp_request_duration_seconds'), 'histogram');
    assert.equal(families.get('mcp_active_connections'), 'gauge');
    const modernLists = samples.find((s) => s.name === 'mcp_requests_total' && s.labels.method === 'tools/list' && s.labels.era === 'modern');
    assert.ok(modernLists && modernLists.value >= 1, 'modern tools/list counted');
    const legacyInit = samples.find((s) => s.name === 'mcp_requests_total' && s.labels.method === 'initialize' && s.labels.era === 'legacy');
    assert.ok(legacyInit && legacyInit.value >= 1, 'legacy initialize counted');
    assert.ok(samples.some((s) => s.name === 'mcp_request_duration_seconds_bucket' && s.labels.le === '+Inf'));
    assert.ok(samples.find((s) => s.name === 'mcp_active_connections').value >= 1);
    assert.equal(families.get('mcp_tool_calls_total'), 'counter');
    assert.equal(families.get('mcp_tool_errors_total'), 'counter');

    // Per-tool counters: a call through HTTP counts on the tool's series, an isError result as an error.
    const toolSample = async (text, name, tool) =>
      (await parsePrometheus(text)).samples.find((s) => s.name === name && s.labels.tool === tool && s.labels.plugin === 'echo');
    const before = await toolSample(m.text, 'mcp_tool_calls_total', 'echo__echo');
    assert.ok(before, 'every exposed tool has a series from start-up');
    const errorsBefore = (await toolSample(m.text, 'mcp_tool_errors_total', 'echo__echo')).value;
    const ok = await post(host.url, modernRequest('tc1', 'tools/call', { name: 'echo__echo', arguments: { text: 'counted' } }),
      modernHeaders('tools/call', 'echo__echo'));
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.result.content, [{ type: 'text', text: 'counted' }]);
    const bad = await post(host.url, modernRequest('tc2', 'tools/call', { name: 'echo__echo', arguments: {} }),
      modernHeaders('tools/call', 'echo__echo'));
    assert.equal(bad.json.result.isError, true);
    const after = await raw(`${host.origin}/metrics`);
    assert.equal((await toolSample(after.text, 'mcp_tool_calls_total', 'echo__echo')).value, before.value + 2);
    assert.equal((await toolSample(after.text, 'mcp_tool_errors_total', 'echo__echo')).value, errorsBefore + 1);
  });
});

describe('HTTP: sessions expire and are capped', () => {
  it('ends a session idle longer than session_idle_seconds', async () => {
    const host = await HttpHost.start(httpConfig({ session_idle_seconds: 1 }));
    try {
      const sid = await legacySession(host.url);
      const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
      assert.equal((await post(host.url, list, { 'mcp-session-id': sid })).status, 200);
      await sleep(1500);
      assert.equal((await post(host.url, list, { 'mcp-session-id': sid })).status, 404);
    } finally {
      await host.stop();
    }
  });

  it('at max_sessions, the least recently used idle session makes room', async () => {
    const host = await HttpHost.start(httpConfig({ max_sessions: 2 }));
    try {
      const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
      const a = await legacySession(host.url);
      const b = await legacySession(host.url);
      await sleep(5);
      assert.equal((await post(host.url, list, { 'mcp-session-id': a })).status, 200);  // a is fresher than b
      const c = await legacySession(host.url);
      assert.equal((await post(host.url, list, { 'mcp-session-id': b })).status, 404);
      assert.equal((await post(host.url, list, { 'mcp-session-id': a })).status, 200);
      assert.equal((await post(host.url, list, { 'mcp-session-id': c })).status, 200);
      const m = await raw(`${host.origin}/metrics`);
      assert.match(m.text, /^mcp_http_sessions 2$/m);
    } finally {
      await host.stop();
    }
  });

  it('legacy_stateless serves legacy requests without sessions', async () => {
    const host = await HttpHost.start(httpConfig({ legacy_stateless: true }));
    try {
      const init = await post(host.url, INIT);
      assert.equal(init.status, 200);
      assert.equal(init.headers.get('mcp-session-id'), null);
      const list = await post(host.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-protocol-version': '2025-11-25' });
      assert.equal(list.status, 200);
      assert.ok(list.json.result.tools.length > 0);
      assert.equal((await raw(host.url, { headers: { accept: 'text/event-stream' } })).status, 405);
      assert.equal((await raw(host.url, { method: 'DELETE' })).status, 405);
    } finally {
      await host.stop();
    }
  });
});

describe('HTTP: auth, CORS and limits', () => {
  it('bearer tokens from the environment and a file: 401 with WWW-Authenticate', async () => {
    const dir = tempDir();
    const tokens = path.join(dir, 'tokens.txt');
    fs.writeFileSync(tokens, '# one per line\nfile-token\n');
    const host = await HttpHost.start(httpConfig({ auth: { token_env: 'MCPHOST_E2E_TOKEN', token_file: tokens } }),
      { env: { MCPHOST_E2E_TOKEN: 'env-token' } });
    try {
      const list = modernRequest(1, 'tools/list');
      const none = await post(host.url, list, modernHeaders('tools/list'));
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate'), /^Bearer /);
      const wrong = await post(host.url, list, { ...modernHeaders('tools/list'), authorization: 'Bearer nope' });
      assert.equal(wrong.status, 401);
      assert.match(wrong.headers.get('www-authenticate'), /invalid_token/);
      for (const t of ['env-token', 'file-token']) {
        assert.equal((await post(host.url, list, { ...modernHeaders('tools/list'), authorization: `Bearer ${t}` })).status, 200, t);
      }
      assert.equal((await post(host.url, INIT)).status, 401, 'legacy too');
      assert.equal((await raw(`${host.origin}/health`)).status, 200, 'operations endpoints need no token');
    } finally {
      await host.stop();
    }
  });

  it('CORS preflight and headers for configured browser origins', async () => {
    const host = await HttpHost.start(httpConfig({ cors_origins: ['http://app.example:3000'] }));
    try {
      const pre = await raw(host.url, {
        method: 'OPTIONS',
        headers: { origin: 'http://app.example:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, mcp-session-id' },
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers['access-control-allow-origin'], 'http://app.example:3000');
      assert.match(pre.headers['access-control-allow-methods'], /POST/);
      assert.match(pre.headers['access-control-allow-headers'], /mcp-session-id/);
      const init = await raw(host.url, {
        method: 'POST', body: INIT,
        headers: { origin: 'http://app.example:3000', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      });
      assert.equal(init.status, 200);
      assert.equal(init.headers['access-control-allow-origin'], 'http://app.example:3000');
      assert.match(init.headers['access-control-expose-headers'], /Mcp-Session-Id/);
      const other = await raw(host.url, { method: 'OPTIONS', headers: { origin: 'http://other.example' } });
      assert.equal(other.status, 403);
    } finally {
      await host.stop();
    }
  });

  it('refuses a body over max_message_bytes (413) and closes a slow client (header timeout)', async () => {
    const host = await HttpHost.start(httpConfig({ header_timeout_ms: 300 }, { server: { max_message_bytes: 2048 } }));
    try {
      const big = await post(host.url, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(4096) } });
      assert.equal(big.status, 413);
      // A client that starts a request and never finishes its headers.
      const { port } = new URL(host.url);
      const closed = await new Promise((resolve, reject) => {
        const sock = net.connect(Number(port), '127.0.0.1', () => sock.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
        const timer = setTimeout(() => reject(new Error('the server kept a slow client open')), WAIT_MS);
        sock.on('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
        sock.on('error', () => {});
      });
      assert.ok(closed);
      assert.equal((await raw(`${host.origin}/health`)).status, 200, 'still serving');
    } finally {
      await host.stop();
    }
  });
});

describe('HTTP: /metrics counts exactly what was sent', () => {
  it('requests by method and era, errors, the latency histogram, connections and per-tool counters', async () => {
    const host = await HttpHost.start(httpConfig());
    try {
      // Legacy: initialize, 3 tools/list, 2 tools/call (one isError), 1 ping, 1 unknown method.
      const sid = await legacySession(host.url);  // initialize + notifications/initialized (not a request)
      const h = { 'mcp-session-id': sid };
      for (let i = 0; i < 3; i++) assert.equal((await post(host.url, { jsonrpc: '2.0', id: `l${i}`, method: 'tools/list' }, h)).status, 200);
      const lok = await post(host.url, { jsonrpc: '2.0', id: 'lc1', method: 'tools/call', params: { name: 'echo__echo', arguments: { text: 'a' } } }, h);
      assert.deepEqual(lok.json.result.content, [{ type: 'text', text: 'a' }]);
      const lbad = await post(host.url, { jsonrpc: '2.0', id: 'lc2', method: 'tools/call', params: { name: 'echo__echo', arguments: {} } }, h);
      assert.equal(lbad.json.result.isError, true);
      assert.equal((await post(host.url, { jsonrpc: '2.0', id: 'lp', method: 'ping' }, h)).status, 200);
      const unknown = await post(host.url, { jsonrpc: '2.0', id: 'lu', method: 'no/such/method' }, h);
      assert.equal(errorCode(unknown), -32601);
      // Modern: 4 tools/list, 4 tools/call (2 ok, 1 isError, 1 unknown tool: a JSON-RPC error).
      for (let i = 0; i < 4; i++) {
        assert.equal((await post(host.url, modernRequest(`m${i}`, 'tools/list'), modernHeaders('tools/list'))).status, 200);
      }
      const call = (id, name, args) => post(host.url, modernRequest(id, 'tools/call', { name, arguments: args }), modernHeaders('tools/call', name));
      for (const id of ['mc1', 'mc2']) assert.deepEqual((await call(id, 'echo__echo', { text: id })).json.result.content, [{ type: 'text', text: id }]);
      assert.equal((await call('mc3', 'echo__echo', {})).json.result.isError, true);
      const noTool = await call('mc4', 'nope__nope', {});
      assert.ok(noTool.json?.error, `an unknown tool is a JSON-RPC error: ${noTool.text}`);

      const m = await raw(`${host.origin}/metrics`);
      assert.equal(m.status, 200);
      const { families, samples, histograms } = await parsePrometheus(m.text);
      assert.equal(families.get('mcp_requests_total'), 'counter');
      assert.equal(families.get('mcp_request_errors_total'), 'counter');
      assert.equal(families.get('mcp_request_duration_seconds'), 'histogram');
      assert.equal(families.get('mcp_active_connections'), 'gauge');
      assert.equal(families.get('mcp_tool_calls_total'), 'counter');
      assert.equal(families.get('mcp_tool_errors_total'), 'counter');

      const series = (name) => Object.fromEntries(samples.filter((x) => x.name === name)
        .map((x) => [`${x.labels.method} ${x.labels.era}`, x.value]));
      assert.deepEqual(series('mcp_requests_total'), {
        'initialize legacy': 1,
        'tools/list legacy': 3,
        'tools/call legacy': 2,
        'ping legacy': 1,
        'other legacy': 1,
        'tools/list modern': 4,
        'tools/call modern': 4,
      });
      assert.deepEqual(series('mcp_request_errors_total'), { 'other legacy': 1, 'tools/call modern': 1 });
      // One histogram series per (method, era), each observation counted once.
      const counts = Object.fromEntries(histograms.get('mcp_request_duration_seconds')
        .map((x) => [`${x.labels.method} ${x.labels.era}`, x.count]));
      assert.deepEqual(counts, series('mcp_requests_total'));
      for (const x of histograms.get('mcp_request_duration_seconds')) {
        assert.deepEqual(Object.keys(x.labels).sort(), ['era', 'method']);
        assert.ok(Object.keys(x.buckets).length > 2, 'finite buckets and +Inf');
      }
      const active = samples.find((x) => x.name === 'mcp_active_connections').value;
      assert.ok(Number.isInteger(active) && active >= 1, `the scrape's own connection is open (${active})`);
      // Per tool, with the plugin as a label: 5 calls reached echo__echo (the
      // unknown tool reached none), 2 of them isError.
      const tool = (name) => samples.find((x) => x.name === name && x.labels.tool === 'echo__echo');
      assert.deepEqual(tool('mcp_tool_calls_total').labels, { tool: 'echo__echo', plugin: 'echo' });
      assert.equal(tool('mcp_tool_calls_total').value, 5);
      assert.equal(tool('mcp_tool_errors_total').value, 2);
      assert.equal(samples.find((x) => x.name === 'mcp_tool_calls_total' && x.labels.tool === 'misbehaving__slow')?.value, 0,
        'tools never called have a zero series');
    } finally {
      const { code } = await host.stop();
      assert.equal(code, 0, host.stderr);
    }
  });
});

const CONFORMANCE = `  - path: ${JSON.stringify(path.join(PLUGIN_DIR, 'libmcphost_conformance.so'))}
    alias: "conf"
`;
const PROGRESS_TOOL = 'conf__test_tool_with_progress';  // progress 0, 50, 100 with 50 ms pauses, then a text result

// POSTs and returns once the response headers are in; readUntil(pred) reads
// the body until pred(text so far) holds or it ends.
async function openStream(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const s = { res, text: '', done: false };
  s.readUntil = async (pred) => {
    while (!pred(s.text) && !s.done) {
      const { done, value } = await reader.read();
      if (done) s.done = true;
      else s.text += decoder.decode(value, { stream: true });
    }
    return pred(s.text);
  };
  s.readAll = () => s.readUntil(() => false).then(() => parseBody(res.headers, s.text));
  return s;
}

// The exit of a host already sent SIGTERM (no second signal; SIGKILL after WAIT_MS).
async function exitAfterSignal(host) {
  const timer = setTimeout(() => host.child.kill('SIGKILL'), WAIT_MS);
  const out = await host.exited;
  clearTimeout(timer);
  return out;
}

// A TCP connect to the host's port: 'refused' or 'connected'.
function tryConnect(origin) {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const sock = net.connect(Number(port), hostname, () => {
      sock.destroy();
      resolve('connected');
    });
    sock.on('error', (e) => resolve(e.code === 'ECONNREFUSED' ? 'refused' : e.code));
  });
}

// Both eras' progress calls, each opened until its first progress event.
async function startProgressCalls(host) {
  const sid = await legacySession(host.url);
  const legacy = await openStream(host.url,
    { jsonrpc: '2.0', id: 'lp', method: 'tools/call', params: { name: PROGRESS_TOOL, arguments: {}, _meta: { progressToken: 'l' } } },
    { 'mcp-session-id': sid });
  const modern = await openStream(host.url,
    modernRequest('mp', 'tools/call', { name: PROGRESS_TOOL, arguments: {} }, { progressToken: 'm' }),
    modernHeaders('tools/call', PROGRESS_TOOL));
  for (const s of [legacy, modern]) {
    assert.equal(s.res.status, 200);
    assert.match(s.res.headers.get('content-type'), /^text\/event-stream/);
    assert.ok(await s.readUntil((t) => t.includes('notifications/progress')), 'the call is running');
  }
  return { legacy, modern };
}

// The whole answer of a progress call: its three progress events, then the result.
function assertCompleted(messages, id) {
  assert.deepEqual(messages.filter((x) => x.method === 'notifications/progress').map((x) => x.params.progress), [0, 50, 100]);
  const last = messages.at(-1);
  assert.equal(last.id, id);
  assert.deepEqual(last.result.content, [{ type: 'text', text: 'Tool with progress executed successfully' }]);
}

describe('HTTP: SIGTERM drains', () => {
  it('SIGINT with nothing in flight: exits 0 at once', async () => {
    const host = await HttpHost.start(httpConfig());
    assert.equal((await post(host.url, INIT)).status, 200);
    const { code } = await host.stop('SIGINT');
    assert.equal(code, 0, host.stderr);
  });

  it('SIGTERM: calls in flight that end within the grace period answer in full; new connections are refused; exit 0', async () => {
    const host = await HttpHost.start(httpConfig({ shutdown_grace_ms: 10000 }, { extraPlugins: CONFORMANCE }));
    // Both calls have sent their first progress event and have ~100 ms of
    // work left when SIGTERM goes out.
    const { legacy, modern } = await startProgressCalls(host);
    host.child.kill('SIGTERM');
    let refused;
    for (let i = 0; i < 400 && refused !== 'refused'; i++) {
      refused = await tryConnect(host.origin);
      if (refused !== 'refused') await sleep(5);
    }
    assert.equal(refused, 'refused', 'no new connections once SIGTERM arrived');
    assertCompleted(await legacy.readAll(), 'lp');
    assertCompleted(await modern.readAll(), 'mp');
    const { code, signal } = await exitAfterSignal(host);
    assert.equal(signal, null, host.stderr);
    assert.equal(code, 0, host.stderr);
    assert.match(host.stderr, /draining/);
    assert.doesNotMatch(host.stderr, /cancelling/, 'nothing outlived the grace period');
  });

  it('SIGTERM: stops listening at once, lets short calls finish, cancels what outlives the grace period, exits 0', async () => {
    const host = await HttpHost.start(httpConfig({ shutdown_grace_ms: 1500 }, { extraPlugins: CONFORMANCE }));
    // misbehaving__slow runs until cancelled: it holds the drain open for the whole grace period.
    const slow = post(host.url, modernRequest('s', 'tools/call', { name: 'misbehaving__slow', arguments: {} }),
      modernHeaders('tools/call', 'misbehaving__slow')).catch((e) => e);
    while ((await inProgress(host)) < 1) await sleep(20);
    const { legacy, modern } = await startProgressCalls(host);
    host.child.kill('SIGTERM');
    let refused;
    for (let i = 0; i < 400 && refused !== 'refused'; i++) {
      refused = await tryConnect(host.origin);
      if (refused !== 'refused') await sleep(5);
    }
    assert.equal(refused, 'refused', 'no new connections once SIGTERM arrived');
    assert.equal(host.child.exitCode, null, 'refused while still draining (the slow call holds the drain)');
    assertCompleted(await legacy.readAll(), 'lp');
    assertCompleted(await modern.readAll(), 'mp');
    // The slow call is cancelled when the grace period is over: its client
    // sees the connection closed, with no result.
    const s = await slow;
    assert.ok(s instanceof Error || !s.json?.result, `no result for the cancelled call: ${s.text ?? s}`);
    const { code, signal } = await exitAfterSignal(host);
    assert.equal(signal, null, host.stderr);
    assert.equal(code, 0, host.stderr);
    assert.match(host.stderr, /draining/);
    assert.match(host.stderr, /cancelling/);
    await assert.rejects(fetch(`${host.origin}/health`), 'no longer listening');
  });
});
