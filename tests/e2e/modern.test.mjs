// modern.test.mjs - the modern era, protocol revision 2026-07-28: no
// handshake, version and client capabilities in every request's _meta.
//
// The official v2 client (@modelcontextprotocol/client 2.4.0) pinned with
// versionNegotiation: {mode: {pin: '2026-07-28'}} drives what a client does
// (server/discover at connect, lists, calls, errors it surfaces). What the
// v2 client refuses to send on a modern connection (ping, logging/setLevel,
// initialize with the claim) or cannot send at all (a request without
// clientCapabilities) goes as raw JSON-RPC lines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Client, ProtocolError } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import {
  HOST_BIN,
  META_CAPS,
  META_SERVER_INFO,
  META_VERSION,
  MODERN_VERSION,
  RawHost,
  modernMeta,
  standardConfig,
} from './helpers.mjs';

// The caching hints 2026-07-28 requires on discover, lists and reads.
function assertCacheable(result, what) {
  assert.equal(result.resultType, 'complete', `${what}: resultType`);
  assert.ok(Number.isInteger(result.ttlMs) && result.ttlMs >= 0, `${what}: ttlMs is an integer >= 0 (${result.ttlMs})`);
  assert.ok(['public', 'private'].includes(result.cacheScope), `${what}: cacheScope (${result.cacheScope})`);
}

function assertServerInfo(result, what) {
  const info = result._meta?.[META_SERVER_INFO];
  assert.ok(info, `${what}: _meta carries ${META_SERVER_INFO}`);
  assert.equal(info.name, 'mcphost');
  assert.match(info.version, /^\d+\.\d+\.\d+/);
}

describe('modern era with the v2 client pinned to 2026-07-28', () => {
  let client;
  let transport;
  const sent = [];
  const received = [];  // deep copies of what came over the wire, before the client touches it

  before(async () => {
    transport = new StdioClientTransport({
      command: HOST_BIN,
      args: ['--config', standardConfig()],
      env: { ...process.env },  // keeps ASAN_OPTIONS and friends
      stderr: 'pipe',
    });
    const send = transport.send.bind(transport);
    transport.send = (msg, opts) => {
      sent.push(structuredClone(msg));
      return send(msg, opts);
    };
    client = new Client(
      { name: 'mcphost-e2e-modern', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: MODERN_VERSION } } },
    );
    await client.connect(transport);
    const onmessage = transport.onmessage;
    transport.onmessage = (msg, extra) => {
      received.push(structuredClone(msg));
      onmessage(msg, extra);
    };
  });
  after(async () => {
    await client?.close();
  });

  // The request the client sent last for `method`, and the wire response to it.
  function lastExchange(method) {
    const req = sent.filter((m) => m.method === method).at(-1);
    assert.ok(req, `the client sent ${method}`);
    const res = received.find((m) => m.id === req.id && !('method' in m));
    assert.ok(res, `a response to ${method} (id ${req.id}) arrived`);
    return { req, res };
  }

  it('negotiates 2026-07-28 through server/discover, without initialize', () => {
    assert.equal(client.getProtocolEra(), 'modern');
    assert.equal(client.getNegotiatedProtocolVersion(), MODERN_VERSION);
    const d = client.getDiscoverResult();
    assert.deepEqual(d.supportedVersions, [MODERN_VERSION]);
    assertCacheable(d, 'server/discover');
    assertServerInfo(d, 'server/discover');
    assert.ok(d.capabilities.tools && d.capabilities.resources && d.capabilities.prompts, 'capabilities');
    assert.equal(d.capabilities.logging, undefined, 'no legacy logging capability in the modern era');
    assert.deepEqual(client.getServerVersion(), d._meta[META_SERVER_INFO]);
    assert.ok(!sent.some((m) => m.method === 'initialize'), 'no initialize was sent');
  });

  it('every request carries the version claim and client capabilities', async () => {
    await client.listTools({}, { cacheMode: 'bypass' });
    const { req } = lastExchange('tools/list');
    assert.equal(req.params._meta[META_VERSION], MODERN_VERSION);
    assert.equal(typeof req.params._meta[META_CAPS], 'object');
  });

  it('tools/list: names, schemas, resultType and caching hints', async () => {
    const { tools } = await client.listTools({}, { cacheMode: 'bypass' });
    const names = tools.map((t) => t.name);
    for (const n of ['echo__echo', 'misbehaving__slow', 'cpp_helper__add', 'mcphost__read_resource']) {
      assert.ok(names.includes(n), `${n} listed`);
    }
    const echo = tools.find((t) => t.name === 'echo__echo');
    assert.deepEqual(echo.inputSchema.required, ['text']);
    const { res } = lastExchange('tools/list');
    assertCacheable(res.result, 'tools/list');
    assertServerInfo(res.result, 'tools/list');
  });

  it('resources/list, resources/templates/list and prompts/list carry resultType and caching hints', async () => {
    const { resources } = await client.listResources({}, { cacheMode: 'bypass' });
    assert.ok(resources.some((r) => r.uri === 'test://misbehaving/readme'));
    assertCacheable(lastExchange('resources/list').res.result, 'resources/list');

    const { resourceTemplates } = await client.listResourceTemplates({}, { cacheMode: 'bypass' });
    assert.ok(resourceTemplates.some((t) => t.uriTemplate === 'test://misbehaving/items/{id}'));
    assertCacheable(lastExchange('resources/templates/list').res.result, 'resources/templates/list');

    const { prompts } = await client.listPrompts({}, { cacheMode: 'bypass' });
    assert.ok(prompts.some((p) => p.name === 'misbehaving__greet'));
    assertCacheable(lastExchange('prompts/list').res.result, 'prompts/list');
  });

  it('tools/call echo returns the text with resultType complete', async () => {
    const r = await client.callTool({ name: 'echo__echo', arguments: { text: 'modern hello ✓' } });
    assert.deepEqual(r.content, [{ type: 'text', text: 'modern hello ✓' }]);
    const { res } = lastExchange('tools/call');
    assert.equal(res.result.resultType, 'complete');
    assertServerInfo(res.result, 'tools/call');
  });

  it('tool failures are isError results, not protocol errors', async () => {
    const r = await client.callTool({ name: 'misbehaving__invalid_arg', arguments: {} });
    assert.equal(r.isError, true);
    assert.ok(JSON.stringify(r.content).includes('x must be positive'));
    assert.equal(lastExchange('tools/call').res.result.resultType, 'complete');
  });

  it('resources/read carries resultType and caching hints', async () => {
    const r = await client.readResource({ uri: 'test://misbehaving/items/7' }, { cacheMode: 'bypass' });
    assert.equal(r.contents[0].text, 'item 7');
    assertCacheable(lastExchange('resources/read').res.result, 'resources/read');
  });

  it('prompts/get works with resultType complete', async () => {
    const r = await client.getPrompt({ name: 'misbehaving__greet', arguments: { who: 'Grace' } });
    assert.deepEqual(r.messages, [{ role: 'user', content: { type: 'text', text: 'Hello, Grace!' } }]);
    assert.equal(lastExchange('prompts/get').res.result.resultType, 'complete');
  });

  it('resource not found is -32602 with data.uri (never -32002), carrying the request id', async () => {
    const uri = 'test://nonexistent-resource-for-conformance-testing';
    let caught;
    await assert.rejects(client.readResource({ uri }, { cacheMode: 'bypass' }), (e) => (caught = e, true));
    assert.ok(caught instanceof ProtocolError, `a ProtocolError, got ${caught}`);
    assert.equal(caught.code, -32602);
    assert.deepEqual(caught.data, { uri });
    const { req, res } = lastExchange('resources/read');
    assert.equal(res.id, req.id);
    assert.equal(res.error.code, -32602);
  });

  it('an unknown tool is -32602 carrying the request id', async () => {
    let caught;
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (e) => (caught = e, true));
    assert.equal(caught.code, -32602, String(caught));
    const { req, res } = lastExchange('tools/call');
    assert.equal(res.id, req.id);
    assert.equal(res.error.code, -32602);
  });

  it('a claim of an unsupported version is -32022 with data.supported and data.requested', async () => {
    for (const requested of ['1900-01-01', '2025-11-25']) {
      let caught;
      await assert.rejects(
        client.request({ method: 'tools/list', params: { _meta: { [META_VERSION]: requested } } }),
        (e) => (caught = e, true));
      assert.equal(caught.code, -32022, String(caught));
      const { req, res } = lastExchange('tools/list');
      assert.equal(req.params._meta[META_VERSION], requested, 'the override reached the wire');
      assert.equal(res.id, req.id);
      assert.equal(res.error.code, -32022);
      assert.deepEqual(res.error.data.requested, requested);
      assert.ok(Array.isArray(res.error.data.supported) && res.error.data.supported.length > 0);
      for (const v of res.error.data.supported) assert.ok([MODERN_VERSION].includes(v), `supported ${v} is a modern version`);
    }
  });

  it('a declared listChanged capability is backed by subscriptions/listen', async () => {
    // 2026-07-28 sends list_changed only on a subscriptions/listen stream, so
    // a server that declares listChanged must serve listen (or not declare it).
    const caps = client.getDiscoverResult().capabilities;
    const filter = {
      ...(caps.tools?.listChanged && { toolsListChanged: true }),
      ...(caps.prompts?.listChanged && { promptsListChanged: true }),
      ...(caps.resources?.listChanged && { resourcesListChanged: true }),
    };
    if (Object.keys(filter).length === 0) return;  // nothing declared, nothing to serve
    const ac = new AbortController();
    try {
      await client.listen(filter, { timeout: 5000, signal: ac.signal });
    } catch (e) {
      assert.fail(`discover declares listChanged (${JSON.stringify(filter)}) but subscriptions/listen failed: ${e}`);
    } finally {
      ac.abort();
    }
  });

  it('the v2 client itself refuses the removed methods ping and logging/setLevel', async () => {
    const before = sent.length;
    await assert.rejects(client.ping());
    await assert.rejects(client.setLoggingLevel('info'));
    assert.equal(sent.length, before, 'nothing was sent for them');
  });
});

describe('modern era over raw JSON-RPC lines (what the v2 client will not send)', () => {
  let host;
  before(() => {
    host = new RawHost(standardConfig());
  });
  after(async () => {
    if (!host) return;
    const { code } = await host.close();
    assert.equal(code, 0, `exit status at end of input; stderr:\n${host.stderr}`);
    assert.deepEqual(host.garbage, [], 'every stdout line is a JSON message');
  });

  it('server/discover: supportedVersions, capabilities, resultType, caching hints, serverInfo', async () => {
    const res = await host.request('d1', 'server/discover', { _meta: modernMeta() });
    assert.equal(res.id, 'd1');
    assert.deepEqual(res.result.supportedVersions, [MODERN_VERSION]);
    assertCacheable(res.result, 'server/discover');
    assertServerInfo(res.result, 'server/discover');
    assert.ok(res.result.capabilities.tools);
  });

  it('a request whose _meta lacks clientCapabilities is -32602, carrying the id', async () => {
    const meta = modernMeta();
    delete meta[META_CAPS];
    const res = await host.request(101, 'tools/list', { _meta: meta });
    assert.equal(res.id, 101);
    assert.equal(res.error?.code, -32602, JSON.stringify(res));
    const res2 = await host.request('no-caps', 'server/discover', { _meta: { [META_VERSION]: MODERN_VERSION } });
    assert.equal(res2.id, 'no-caps');
    assert.equal(res2.error?.code, -32602, JSON.stringify(res2));
  });

  it('an unsupported claimed version is -32022 with data.supported and data.requested', async () => {
    const res = await host.request(102, 'tools/list', { _meta: modernMeta({ [META_VERSION]: '1900-01-01' }) });
    assert.equal(res.id, 102);
    assert.equal(res.error?.code, -32022, JSON.stringify(res));
    assert.deepEqual(res.error.data, { supported: [MODERN_VERSION], requested: '1900-01-01' });
  });

  it('ping, initialize, logging/setLevel and resources/subscribe with the claim are -32601', async () => {
    const cases = [
      ['ping', {}],
      ['initialize', { protocolVersion: MODERN_VERSION, capabilities: {}, clientInfo: { name: 'x', version: '1' } }],
      ['logging/setLevel', { level: 'info' }],
      ['resources/subscribe', { uri: 'test://misbehaving/readme' }],
    ];
    for (const [i, [method, params]] of cases.entries()) {
      const id = `removed-${i}`;
      const res = await host.request(id, method, { ...params, _meta: modernMeta() });
      assert.equal(res.id, id);
      assert.equal(res.error?.code, -32601, `${method}: ${JSON.stringify(res)}`);
    }
  });

  it('a modern initialize does not initialize a legacy session', async () => {
    const res = await host.request('legacy-after', 'tools/list', {});
    assert.ok(res.error, `a legacy request still needs initialize: ${JSON.stringify(res)}`);
  });

  it('resource not found is -32602 with data.uri', async () => {
    const uri = 'test://misbehaving/items/not-digits';
    const res = await host.request(103, 'resources/read', { uri, _meta: modernMeta() });
    assert.equal(res.id, 103);
    assert.equal(res.error?.code, -32602, JSON.stringify(res));
    assert.deepEqual(res.error.data, { uri });
  });

  it('an unknown method is -32601 with the id', async () => {
    const res = await host.request(104, 'no/such/method', { _meta: modernMeta() });
    assert.equal(res.id, 104);
    assert.equal(res.error?.code, -32601);
  });

  it('logs go out only for a request that asks with _meta logLevel', async () => {
    const quiet = await host.request(105, 'tools/call', { name: 'misbehaving__log', arguments: {}, _meta: modernMeta() });
    assert.equal(quiet.result.content[0].text, 'logged');
    assert.equal(host.messages.filter((m) => m.method === 'notifications/message').length, 0,
      'no notifications/message without logLevel');

    const loud = await host.request(106, 'tools/call', {
      name: 'misbehaving__log',
      arguments: {},
      _meta: modernMeta({ 'io.modelcontextprotocol/logLevel': 'info' }),
    });
    assert.equal(loud.result.content[0].text, 'logged');
    const logs = host.messages.filter((m) => m.method === 'notifications/message');
    assert.equal(logs.length, 3, JSON.stringify(logs));
  });

  it('progress notifications follow the request progressToken', async () => {
    const res = await host.request(107, 'tools/call', {
      name: 'misbehaving__progress',
      arguments: {},
      _meta: modernMeta({ progressToken: 'p-107' }),
    });
    assert.equal(res.result.resultType, 'complete');
    const progress = host.messages.filter((m) => m.method === 'notifications/progress' && m.params.progressToken === 'p-107');
    assert.deepEqual(progress.map((m) => [m.params.progress, m.params.total]), [[1, 3], [2, 3], [3, 3]]);
  });
});

describe('both eras on one pipe', () => {
  it('legacy and modern requests are served side by side, each in its own shape', async () => {
    const host = new RawHost(standardConfig());
    try {
      const init = await host.initialize('2025-11-25');
      assert.equal(init.result.protocolVersion, '2025-11-25');
      const legacy = await host.request(1, 'tools/call', { name: 'echo__echo', arguments: { text: 'legacy' } });
      assert.equal(legacy.result.content[0].text, 'legacy');
      assert.equal(legacy.result.resultType, undefined, 'no resultType on a legacy result');
      const modern = await host.request(2, 'tools/call', { name: 'echo__echo', arguments: { text: 'modern' }, _meta: modernMeta() });
      assert.equal(modern.result.content[0].text, 'modern');
      assert.equal(modern.result.resultType, 'complete');
      const legacyList = await host.request(3, 'tools/list', {});
      assert.equal(legacyList.result.ttlMs, undefined, 'no caching hints on a legacy list');
      const legacyMissing = await host.request(4, 'resources/read', { uri: 'test://nowhere' });
      assert.equal(legacyMissing.error.code, -32002, 'legacy resource not found stays -32002');
      const modernMissing = await host.request(5, 'resources/read', { uri: 'test://nowhere', _meta: modernMeta() });
      assert.equal(modernMissing.error.code, -32602, 'modern resource not found is -32602');
    } finally {
      await host.close();
    }
  });
});

describe('modern era: pagination (server.page_size: 1)', () => {
  it('every page carries resultType and the same caching hints; a bad cursor is -32602', async () => {
    const host = new RawHost(standardConfig({ server: { page_size: 1 } }));
    try {
      const names = [];
      const scopes = new Set();
      let cursor;
      let id = 0;
      do {
        const params = { _meta: modernMeta(), ...(cursor !== undefined && { cursor }) };
        const res = await host.request(`page-${++id}`, 'tools/list', params);
        assertCacheable(res.result, `tools/list page ${id}`);
        scopes.add(res.result.cacheScope);
        assert.equal(res.result.tools.length, 1);
        names.push(res.result.tools[0].name);
        cursor = res.result.nextCursor;
        assert.ok(id < 100, 'the cursor chain ends');
      } while (cursor !== undefined);
      assert.equal(scopes.size, 1, 'the same cacheScope on every page');
      assert.equal(new Set(names).size, names.length);
      assert.ok(names.includes('echo__echo') && names.includes('cpp_helper__add') && names.includes('mcphost__read_resource'));

      const bad = await host.request('bad-cursor', 'tools/list', { _meta: modernMeta(), cursor: 'garbage' });
      assert.equal(bad.id, 'bad-cursor');
      assert.equal(bad.error?.code, -32602);
    } finally {
      await host.close();
    }
  });
});
