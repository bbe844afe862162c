// subscriptions.test.mjs - notifications and subscriptions end to end, with
// mcp-host serving the conformance plugin, whose trigger tools make it report
// changes (test_trigger_tool_change / _prompt_change: notify_list_changed;
// test_trigger_resource_update {uri?}: notify_resource_updated):
//  - legacy resources/subscribe + notifications/resources/updated with the
//    TypeScript SDK 1.x client, over stdio and over HTTP (the session's GET
//    stream); unsubscribe stops them; list_changed still reaches the session;
//  - modern subscriptions/listen over stdio (raw lines: acknowledgement
//    first, subscriptionId tagging, filters, notifications/cancelled ends
//    it, end of input ends it with its result) and over HTTP (an SSE
//    response; closing it ends the listen; SIGTERM ends it with its result).
// Absence is checked behind an ordering barrier (a later notification the
// host announces on the same thread), never by waiting for a while.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

import { HOST_BIN, PLUGIN_DIR, RawHost, WAIT_MS, eventually, modernMeta, sleep, writeConfig } from './helpers.mjs';
import { ACCEPT_BOTH, HttpHost, modernHeaders, modernRequest, post } from './http_helpers.mjs';

const WATCHED = 'test://watched-resource';
const OTHER = 'test://other-resource';
const SUB_ID = 'io.modelcontextprotocol/subscriptionId';
const CONFORMANCE_SO = path.join(PLUGIN_DIR, 'libmcphost_conformance.so');

function conformanceConfig(server = {}) {
  const lines = Object.entries({ log_level: 'info', ...server })
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`)
    .join('\n');
  return writeConfig(`server:
${lines}
plugins:
  - path: ${JSON.stringify(CONFORMANCE_SO)}
    alias: ""
`);
}

// Legacy (SDK 1.x): subscribe, see updates, unsubscribe, see them stop.
async function legacySubscribeScenario(client) {
  const caps = client.getServerCapabilities();
  assert.equal(caps.resources?.subscribe, true, 'initialize advertises resources.subscribe');
  const updated = [];
  const toolChanges = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updated.push(n.params.uri));
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => toolChanges.push(1));

  // list_changed reaches an initialized session unasked. Over HTTP it travels
  // on the GET stream the SDK opens after initialize, asynchronously: trigger
  // until one arrives, so the stream is known to be attached before the
  // subscription checks rely on it.
  const until = Date.now() + WAIT_MS;
  while (toolChanges.length === 0 && Date.now() < until) {
    await client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
    await sleep(50);
  }
  assert.ok(toolChanges.length > 0, 'notifications/tools/list_changed on the session');

  assert.deepEqual(await client.subscribeResource({ uri: WATCHED }), {});
  await client.callTool({ name: 'test_trigger_resource_update', arguments: {} });
  await eventually(() => updated.includes(WATCHED), 'notifications/resources/updated for the watched resource');

  assert.deepEqual(await client.unsubscribeResource({ uri: WATCHED }), {});
  await client.subscribeResource({ uri: OTHER });
  await client.callTool({ name: 'test_trigger_resource_update', arguments: {} });
  await client.callTool({ name: 'test_trigger_resource_update', arguments: { uri: OTHER } });
  // Updates go out in the order the plugin reported them: once OTHER's has
  // arrived, a second one for WATCHED would have arrived before it.
  await eventually(() => updated.includes(OTHER), 'the update of the resource still subscribed');
  assert.deepEqual(updated, [WATCHED, OTHER], 'nothing after unsubscribe');
}

describe('legacy resources/subscribe (SDK 1.x)', () => {
  it('over stdio: updates on the pipe, unsubscribe stops them', async () => {
    const transport = new StdioClientTransport({
      command: HOST_BIN,
      args: ['--config', conformanceConfig()],
      env: { ...process.env },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'mcphost-e2e-subs', version: '1.0.0' });
    await client.connect(transport);
    try {
      await legacySubscribeScenario(client);
    } finally {
      await client.close();
    }
  });

  it('over HTTP: updates on the session\'s GET stream, unsubscribe stops them', async () => {
    const host = await HttpHost.start(conformanceConfig({ transport: 'http' }), { args: ['--listen', '127.0.0.1:0'] });
    try {
      const client = new Client({ name: 'mcphost-e2e-subs-http', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(host.url));
      await client.connect(transport);
      await legacySubscribeScenario(client);
      await transport.terminateSession();
      await client.close();
    } finally {
      const { code } = await host.stop();
      assert.equal(code, 0, host.stderr);
    }
  });
});

describe('modern subscriptions/listen over stdio', () => {
  let host;
  before(() => {
    host = new RawHost(conformanceConfig());
  });
  after(async () => {
    await host.close();
  });

  const call = (id, name, args = {}) =>
    host.request(id, 'tools/call', { name, arguments: args, _meta: modernMeta() });
  const listen = (id, notifications) =>
    host.send({ jsonrpc: '2.0', id, method: 'subscriptions/listen', params: { notifications, _meta: modernMeta() } });
  const tagged = (id) => host.messages.filter((m) => m.method && m.params?._meta?.[SUB_ID] === id);

  it('discover claims listChanged and subscribe', async () => {
    const d = await host.request('d', 'server/discover', { _meta: modernMeta() });
    const caps = d.result.capabilities;
    assert.equal(caps.tools.listChanged, true);
    assert.equal(caps.prompts.listChanged, true);
    assert.equal(caps.resources.listChanged, true);
    assert.equal(caps.resources.subscribe, true);
  });

  it('acknowledges first, tags with the request id, sends only what each stream opted in to', async () => {
    listen(7, { promptsListChanged: true, resourceSubscriptions: [WATCHED] });
    listen('t', { toolsListChanged: true, resourcesListChanged: false });
    await host.waitFor((m) => m.method === 'notifications/subscriptions/acknowledged' && m.params._meta[SUB_ID] === 7, 'ack of 7');
    await host.waitFor((m) => m.method === 'notifications/subscriptions/acknowledged' && m.params._meta[SUB_ID] === 't', 'ack of t');
    assert.deepEqual(tagged(7)[0].params.notifications, { promptsListChanged: true, resourceSubscriptions: [WATCHED] });
    assert.deepEqual(tagged('t')[0].params.notifications, { toolsListChanged: true }, 'false and unasked types are omitted');

    await call(10, 'test_trigger_tool_change');
    await call(11, 'test_trigger_prompt_change');
    await call(12, 'test_trigger_resource_update');
    await eventually(() => tagged(7).some((m) => m.method === 'notifications/resources/updated'), 'resources/updated on 7');
    await eventually(() => tagged('t').some((m) => m.method === 'notifications/tools/list_changed'), 'tools/list_changed on t');

    assert.deepEqual(tagged(7).map((m) => m.method), [
      'notifications/subscriptions/acknowledged',
      'notifications/prompts/list_changed',
      'notifications/resources/updated',
    ]);
    assert.equal(tagged(7)[2].params.uri, WATCHED);
    assert.deepEqual(tagged('t').map((m) => m.method), [
      'notifications/subscriptions/acknowledged',
      'notifications/tools/list_changed',
    ]);
    // A modern client on the pipe gets no untagged (legacy) list_changed.
    assert.equal(host.messages.filter((m) => m.method?.endsWith('/list_changed') && !m.params?._meta?.[SUB_ID]).length, 0);
  });

  it('notifications/cancelled ends a listen: nothing more, no response', async () => {
    host.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } });
    await call(20, 'test_trigger_prompt_change');
    await call(21, 'test_trigger_resource_update');
    await call(22, 'test_trigger_tool_change');
    await eventually(() => tagged('t').filter((m) => m.method === 'notifications/tools/list_changed').length === 2,
      'the second tools/list_changed on t (the barrier)');
    assert.equal(tagged(7).length, 3, 'nothing more on 7');
    assert.equal(host.responsesTo(7).length, 0, 'no response to a cancelled listen');
    // Its id is free again.
    listen(7, {});
    await eventually(() => tagged(7).length === 4, 'a new listen with the same id is acknowledged');
  });

  it('end of input ends the open listens with their result', async () => {
    const { code } = await host.close();
    assert.equal(code, 0, host.stderr);
    for (const id of ['t', 7]) {
      const [res] = host.responsesTo(id);
      assert.ok(res, `a result for listen ${JSON.stringify(id)}`);
      assert.equal(res.result.resultType, 'complete');
      assert.equal(res.result._meta[SUB_ID], id);
    }
    assert.deepEqual(host.garbage, []);
  });
});

// Reads an SSE response body incrementally: `events` collects the JSON-RPC
// messages, `comments` the comment lines.
function sseReader(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const state = { events: [], comments: [], done: false, buf: '' };
  state.finished = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        state.buf += decoder.decode(value, { stream: true });
        let sep;
        while ((sep = state.buf.indexOf('\n\n')) >= 0) {
          const block = state.buf.slice(0, sep);
          state.buf = state.buf.slice(sep + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) state.events.push(JSON.parse(data));
          for (const l of block.split('\n')) if (l.startsWith(':')) state.comments.push(l);
        }
      }
    } catch {
      // aborted
    }
    state.done = true;
  })();
  return state;
}

async function openListen(url, id, notifications, signal) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, ...modernHeaders('subscriptions/listen') },
    body: JSON.stringify(modernRequest(id, 'subscriptions/listen', { notifications })),
    signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  return sseReader(res);
}

async function inProgress(host) {
  const text = await (await fetch(new URL('/metrics', host.origin))).text();
  return Number(/^mcp_http_requests_in_progress (\d+)/m.exec(text)[1]);
}

describe('modern subscriptions/listen over HTTP', () => {
  let host;
  before(async () => {
    host = await HttpHost.start(conformanceConfig({ transport: 'http' }), { args: ['--listen', '127.0.0.1:0'] });
  });
  after(async () => {
    await host.stop();
  });

  const trigger = async (id, name, args = {}) => {
    const r = await post(host.url, modernRequest(id, 'tools/call', { name, arguments: args }), modernHeaders('tools/call', name));
    assert.equal(r.status, 200, r.text);
  };

  it('an SSE stream: ack first, tagged, filtered; closing it ends the listen', async () => {
    const ac = new AbortController();
    const tools = await openListen(host.url, 'h1', { toolsListChanged: true }, ac.signal);
    const other = await openListen(host.url, 2, { promptsListChanged: true, resourceSubscriptions: [WATCHED] });
    await eventually(() => tools.events.length === 1 && other.events.length === 1, 'both acknowledgements');
    assert.equal(tools.events[0].method, 'notifications/subscriptions/acknowledged');
    assert.equal(tools.events[0].params._meta[SUB_ID], 'h1');
    assert.equal(other.events[0].params._meta[SUB_ID], 2);

    await trigger(1, 'test_trigger_tool_change');
    await trigger(2, 'test_trigger_resource_update');
    await eventually(() => other.events.length === 2, 'resources/updated on the second stream');
    await eventually(() => tools.events.length === 2, 'tools/list_changed on the first stream');
    assert.equal(tools.events[1].method, 'notifications/tools/list_changed');
    assert.equal(tools.events[1].params._meta[SUB_ID], 'h1');
    assert.equal(other.events[1].method, 'notifications/resources/updated', 'no tools/list_changed on a prompts stream');
    assert.equal(other.events[1].params._meta[SUB_ID], 2);
    assert.equal(other.events[1].params.uri, WATCHED);

    assert.equal(await inProgress(host), 2, 'both listens are open');
    ac.abort();  // the client ends the first stream
    await tools.finished;
    // The server notices the disconnect and ends that listen (bounded poll).
    let n;
    const until = Date.now() + WAIT_MS;
    while ((n = await inProgress(host)) !== 1 && Date.now() < until) await sleep(20);
    assert.equal(n, 1, 'the closed listen ended on the server');
    assert.equal(other.done, false, 'the other stream stays open');
    host.otherListen = other;
  });

  it('SIGTERM ends an open listen with its result', async () => {
    const other = host.otherListen;
    const { code } = await host.stop('SIGTERM');
    assert.equal(code, 0, host.stderr);
    await other.finished;
    const last = other.events.at(-1);
    assert.equal(last.id, 2);
    assert.equal(last.result.resultType, 'complete');
    assert.equal(last.result._meta[SUB_ID], 2);
  });
});
