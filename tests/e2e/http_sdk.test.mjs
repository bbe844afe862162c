// http_sdk.test.mjs - the official TypeScript SDK clients over Streamable
// HTTP against one mcp-host: SDK 1.x (legacy, sessions) and the v2 client
// pinned to 2026-07-28 (stateless), then 100 concurrent clients of each era
// (a bounded number of requests; no timing is asserted).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';

import { MODERN_VERSION } from './helpers.mjs';
import { HttpHost, httpConfig, post } from './http_helpers.mjs';

async function legacyClient(url) {
  const client = new LegacyClient({ name: 'mcphost-e2e-http-v1', version: '1.0.0' });
  const transport = new LegacyTransport(new URL(url));
  await client.connect(transport);
  return { client, transport };
}

async function modernClient(url) {
  const client = new ModernClient(
    { name: 'mcphost-e2e-http-v2', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: MODERN_VERSION } } },
  );
  const transport = new ModernTransport(new URL(url));
  await client.connect(transport);
  return { client, transport };
}

describe('SDK clients over HTTP', () => {
  let host;
  before(async () => {
    host = await HttpHost.start(httpConfig({ max_sessions: 1000 }));
  });
  after(async () => {
    const { code } = await host.stop();
    assert.equal(code, 0, host.stderr);
  });

  it('SDK 1.x (legacy): initialize, list, call, progress, terminate the session', async () => {
    const { client, transport } = await legacyClient(host.url);
    assert.equal(client.getServerVersion().name, 'mcphost');
    assert.match(transport.sessionId, /^[0-9a-f]{64}$/);
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'echo__echo'));
    const r = await client.callTool({ name: 'echo__echo', arguments: { text: 'over http' } });
    assert.deepEqual(r.content, [{ type: 'text', text: 'over http' }]);
    const seen = [];
    const p = await client.callTool({ name: 'misbehaving__progress', arguments: {} }, undefined, {
      onprogress: (x) => seen.push([x.progress, x.total]),
    });
    assert.deepEqual(p.content, [{ type: 'text', text: 'done' }]);
    assert.deepEqual(seen, [[1, 3], [2, 3], [3, 3]]);
    await assert.rejects(client.callTool({ name: 'nope', arguments: {} }));
    const sid = transport.sessionId;
    await transport.terminateSession();
    await client.close();
    const gone = await post(host.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-session-id': sid });
    assert.equal(gone.status, 404);
  });

  it('SDK 1.x (legacy): a cancelled call ends without a response', async () => {
    const { client, transport } = await legacyClient(host.url);
    const ac = new AbortController();
    const slow = client.callTool({ name: 'misbehaving__slow', arguments: {} }, undefined, { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(slow);
    // The session keeps working.
    const r = await client.callTool({ name: 'echo__echo', arguments: { text: 'still here' } });
    assert.deepEqual(r.content, [{ type: 'text', text: 'still here' }]);
    await transport.terminateSession();
    await client.close();
  });

  it('v2 client pinned to 2026-07-28: discover, list, call, progress', async () => {
    const { client } = await modernClient(host.url);
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'echo__echo'));
    const r = await client.callTool({ name: 'echo__echo', arguments: { text: 'modern http' } });
    assert.deepEqual(r.content, [{ type: 'text', text: 'modern http' }]);
    const seen = [];
    const p = await client.callTool({ name: 'misbehaving__progress', arguments: {} }, {
      onprogress: (x) => seen.push(x.progress),
    });
    assert.deepEqual(p.content, [{ type: 'text', text: 'done' }]);
    assert.deepEqual(seen, [1, 2, 3]);
    await client.close();
  });

  it('serves 100 concurrent legacy sessions and 100 concurrent modern clients', async () => {
    const N = 100;
    const legacy = Array.from({ length: N }, async (_, i) => {
      const { client, transport } = await legacyClient(host.url);
      const { tools } = await client.listTools();
      assert.ok(tools.length > 0);
      const r = await client.callTool({ name: 'echo__echo', arguments: { text: `legacy ${i}` } });
      assert.deepEqual(r.content, [{ type: 'text', text: `legacy ${i}` }]);
      await transport.terminateSession();
      await client.close();
      return transport.sessionId;
    });
    const modern = Array.from({ length: N }, async (_, i) => {
      const { client } = await modernClient(host.url);
      const { tools } = await client.listTools();
      assert.ok(tools.length > 0);
      const r = await client.callTool({ name: 'echo__echo', arguments: { text: `modern ${i}` } });
      assert.deepEqual(r.content, [{ type: 'text', text: `modern ${i}` }]);
      await client.close();
    });
    const results = await Promise.allSettled([...legacy, ...modern]);
    const failed = results.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 0, failed.slice(0, 3).map((f) => String(f.reason?.stack ?? f.reason)).join('\n'));
    const m = await fetch(`${host.origin}/metrics`).then((r) => r.text());
    const count = (method, era) => Number(new RegExp(`^mcp_requests_total\\{method="${method.replace('/', '\\/')}",era="${era}"\\} (\\d+)$`, 'm').exec(m)?.[1] ?? 0);
    assert.ok(count('initialize', 'legacy') >= N);
    assert.ok(count('tools/call', 'modern') >= N);
    assert.match(m, /^mcp_http_sessions 0$/m, 'every SDK 1.x client ended its session');
  });
});
