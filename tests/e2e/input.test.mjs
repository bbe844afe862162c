// input.test.mjs - a plugin asking the client for input (elicitation,
// sampling, roots) over stdio, in both eras, with the official clients:
//   legacy  @modelcontextprotocol/sdk 1.x: the host sends elicitation/create,
//           sampling/createMessage and roots/list to the client itself and
//           calls the handler again with the answers;
//   modern  @modelcontextprotocol/client 2.x pinned to 2026-07-28: the host
//           answers input_required (MRTR) and the client retries with
//           inputResponses and the sealed requestState;
// and, in raw JSON-RPC, what no official client would send: a tampered, a
// replayed, an expired and a foreign requestState, malformed inputResponses,
// a legacy client that never answers.
// The handlers are the conformance fixture plugin's (plugins/conformance).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as LegacyStdio } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdio } from '@modelcontextprotocol/client/stdio';

import { HOST_BIN, META_CAPS, eventually, fixture, MODERN_VERSION, PLUGIN_DIR, RawHost, modernMeta, sleep, tempDir } from './helpers.mjs';

const CONFORMANCE_SO = path.join(PLUGIN_DIR, 'libmcphost_conformance.so');

// Each config in a file of its own: hosts started together read them later.
let configs = 0;
function writeConfig(yaml) {
  const file = path.join(tempDir(), `input-${++configs}.yaml`);
  fs.writeFileSync(file, yaml);
  return file;
}

function inputConfig({ inputTimeoutMs = 300000, ttlMs = 600000 } = {}) {
  return writeConfig(`server:
  log_level: info
  input_timeout_ms: ${inputTimeoutMs}
  request_state: {ttl_ms: ${ttlMs}}
plugins:
  - path: "${CONFORMANCE_SO}"
    alias: ""
`);
}

// A form answer that fills every property the plugin's schema asks for.
function formAnswer(schema, name = 'Alice') {
  const content = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    if (prop.type === 'boolean') content[key] = true;
    else if (prop.type === 'number' || prop.type === 'integer') content[key] = 1;
    else content[key] = { name, color: 'blue', email: `${name.toLowerCase()}@example.com` }[key] ?? `${key}-value`;
  }
  return { action: 'accept', content };
}

const text = (result) => result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

describe('legacy (SDK v1 over stdio): the host relays input requests to the client', () => {
  let client;
  const seen = [];
  before(async () => {
    client = new LegacyClient(
      { name: 'mcphost-e2e-input-legacy', version: '1.0.0' },
      { capabilities: { elicitation: {}, sampling: {}, roots: { listChanged: true } } },
    );
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      seen.push(req.params);
      return formAnswer(req.params.requestedSchema);
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
      seen.push(req.params);
      return { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test-model', stopReason: 'endTurn' };
    });
    client.setRequestHandler(ListRootsRequestSchema, async () => ({
      roots: [{ uri: 'file:///work/a', name: 'A' }, { uri: 'file:///work/b' }],
    }));
    await client.connect(new LegacyStdio({ command: HOST_BIN, args: ['--config', inputConfig()], stderr: 'pipe' }));
  });
  after(async () => client?.close());

  it('elicitation/create reaches the client and its answer reaches the handler', async () => {
    const r = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
    assert.equal(r.isError, undefined);
    assert.match(text(r), /action=accept/);
    assert.match(text(r), /alice@example\.com/);
    assert.ok(seen.some((p) => p.message === 'Who are you?'), 'the client saw the plugin\'s message');
  });

  it('sampling/createMessage reaches the client and its answer reaches the handler', async () => {
    const r = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Capital of France?' } });
    assert.equal(text(r), 'LLM response: Paris');
  });

  it('roots/list reaches the client and its answer reaches the handler', async () => {
    const r = await client.callTool({ name: 'test_input_required_result_list_roots', arguments: {} });
    assert.match(text(r), /file:\/\/\/work\/a/);
    assert.match(text(r), /file:\/\/\/work\/b/);
  });

  it('several rounds and several requests in one round, with the state the handler kept', async () => {
    const multi = await client.callTool({ name: 'test_input_required_result_multiple_inputs', arguments: {} });
    assert.match(text(multi), /Alice/);
    assert.match(text(multi), /Paris/);
    const rounds = await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} });
    assert.equal(text(rounds), 'Multi-round complete: Alice likes blue');
    const state = await client.callTool({ name: 'test_input_required_result_request_state', arguments: {} });
    assert.match(text(state), /state-ok/);
  });

  it('a prompt can ask for input too', async () => {
    const r = await client.getPrompt({ name: 'test_input_required_result_prompt', arguments: {} });
    assert.equal(r.messages[0].content.text, 'Prompt with context: context-value');
  });
});

describe('legacy: only declared capabilities, and a client that does not answer', () => {
  it('a client without the sampling capability gets an error result, not a request', async () => {
    const host = new RawHost(inputConfig());
    try {
      await host.initialize();  // capabilities: {}
      const r = await host.request(1, 'tools/call', { name: 'test_sampling', arguments: { prompt: 'hi' } });
      assert.equal(r.result.isError, true);
      assert.match(r.result.content[0].text, /sampling/);
      assert.ok(!host.messages.some((m) => m.method === 'sampling/createMessage'), 'no request was sent');
    } finally {
      await host.close();
    }
  });

  it('a handler that never stops asking is stopped after 16 rounds', async () => {
    const host = new RawHost(inputConfig());
    try {
      await host.request('init', 'initialize', {
        protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 'wrong', version: '1' },
      });
      host.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      host.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'test_input_required_result_multi_round', arguments: {} } });
      // Answer every elicitation without the name the handler needs: it asks again, and again.
      const answered = new Set();
      let final;
      await eventually(() => {
        for (const m of host.messages) {
          if (m.method === 'elicitation/create' && !answered.has(m.id)) {
            answered.add(m.id);
            host.send({ jsonrpc: '2.0', id: m.id, result: { action: 'accept', content: {} } });
          }
        }
        final = host.messages.find((m) => m.id === 5 && !('method' in m));
        return final !== undefined;
      }, 'the end of the endless asking');
      assert.equal(answered.size, 15);
      assert.equal(final.result.isError, true);
      assert.match(final.result.content[0].text, /16 times/);
    } finally {
      await host.close();
    }
  });

  it('a client that never answers gets an error result after server.input_timeout_ms', async () => {
    const host = new RawHost(inputConfig({ inputTimeoutMs: 1000 }));
    try {
      const init = await host.request('init', 'initialize', {
        protocolVersion: '2025-11-25',
        capabilities: { sampling: {} },
        clientInfo: { name: 'silent', version: '1' },
      });
      assert.ok(init.result);
      host.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      host.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'test_sampling', arguments: { prompt: 'hi' } } });
      const ask = await host.waitFor((m) => m.method === 'sampling/createMessage', 'the relayed sampling request');
      assert.equal(typeof ask.id, 'string', 'the host\'s request id is its own (a string)');
      const r = await host.waitFor((m) => m.id === 7 && !('method' in m), 'the timed-out call\'s answer');
      assert.equal(r.result.isError, true);
      assert.match(r.result.content[0].text, /did not answer sampling\/createMessage/);
      // A late answer is ignored, and the host keeps serving.
      host.send({ jsonrpc: '2.0', id: ask.id, result: { role: 'assistant', content: { type: 'text', text: 'late' }, model: 'm' } });
      const pong = await host.request(8, 'ping', {});
      assert.deepEqual(pong.result, {});
    } finally {
      await host.close();
    }
  });

  it('an error answer from the client fails the call with its message', async () => {
    const host = new RawHost(inputConfig());
    try {
      await host.request('init', 'initialize', {
        protocolVersion: '2025-11-25',
        capabilities: { elicitation: {} },
        clientInfo: { name: 'refuser', version: '1' },
      });
      host.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      host.send({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'test_elicitation', arguments: { message: 'm' } } });
      const ask = await host.waitFor((m) => m.method === 'elicitation/create', 'the relayed elicitation');
      host.send({ jsonrpc: '2.0', id: ask.id, error: { code: -32603, message: 'user closed the dialog' } });
      const r = await host.waitFor((m) => m.id === 9 && !('method' in m), 'the call\'s answer');
      assert.equal(r.result.isError, true);
      assert.match(r.result.content[0].text, /user closed the dialog/);
    } finally {
      await host.close();
    }
  });
});

describe('url-mode elicitation (cpp_helper__sign_in)', () => {
  const config = () => writeConfig(`server:
  log_level: info
plugins:
  - path: "${fixture('cpp_helper')}"
`);

  it('legacy: the request carries an elicitationId, and its completion is announced before the result', async () => {
    const host = new RawHost(config());
    try {
      await host.request('init', 'initialize', {
        protocolVersion: '2025-11-25', capabilities: { elicitation: { form: {}, url: {} } }, clientInfo: { name: 'u', version: '1' },
      });
      host.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      host.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'cpp_helper__sign_in', arguments: {} } });
      const ask = await host.waitFor((m) => m.method === 'elicitation/create', 'the url elicitation');
      assert.equal(ask.params.mode, 'url');
      assert.equal(ask.params.url, 'https://example.com/login');
      assert.equal(typeof ask.params.elicitationId, 'string');
      host.send({ jsonrpc: '2.0', id: ask.id, result: { action: 'accept' } });
      const done = await host.waitFor((m) => m.id === 3 && !('method' in m), 'the result');
      assert.equal(done.result.content[0].text, 'signed in');
      const complete = host.messages.findIndex((m) => m.method === 'notifications/elicitation/complete');
      assert.ok(complete >= 0, 'notifications/elicitation/complete was sent');
      assert.equal(host.messages[complete].params.elicitationId, ask.params.elicitationId);
      assert.ok(complete < host.messages.indexOf(done), 'before the result');
    } finally {
      await host.close();
    }
  });

  it('legacy: a client that declared only form mode gets an error result naming url mode', async () => {
    const host = new RawHost(config());
    try {
      await host.request('init', 'initialize', {
        protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 'f', version: '1' },
      });
      host.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      const r = await host.request(4, 'tools/call', { name: 'cpp_helper__sign_in', arguments: {} });
      assert.equal(r.result.isError, true);
      assert.match(r.result.content[0].text, /elicitation \(url mode\)/);
    } finally {
      await host.close();
    }
  });

  it('modern: -32021 names elicitation.url when the request declared form mode only', async () => {
    const host = new RawHost(config());
    try {
      const r = await host.request(5, 'tools/call', {
        name: 'cpp_helper__sign_in', arguments: {}, _meta: modernMeta({ [META_CAPS]: { elicitation: { form: {} } } }),
      });
      assert.equal(r.error?.code, -32021);
      assert.deepEqual(r.error.data, { requiredCapabilities: { elicitation: { url: {} } } });
      const ok = await host.request(6, 'tools/call', {
        name: 'cpp_helper__sign_in', arguments: {}, _meta: modernMeta({ [META_CAPS]: { elicitation: { url: {} } } }),
      });
      assert.equal(ok.result.resultType, 'input_required');
      assert.equal(ok.result.inputRequests.login.params.mode, 'url');
    } finally {
      await host.close();
    }
  });
});

describe('legacy: the client\'s roots reach every handler (mcpp_call.roots_json)', () => {
  it('roots/list after initialized and after roots/list_changed; none for a client without roots', async () => {
    const config = writeConfig(`server:
  log_level: info
plugins:
  - path: "${fixture('cpp_helper')}"
`);
    let roots = [{ uri: 'file:///first', name: 'First' }];
    let asked = 0;
    const client = new LegacyClient({ name: 'roots-client', version: '1' }, { capabilities: { roots: { listChanged: true } } });
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      asked += 1;
      return { roots };
    });
    await client.connect(new LegacyStdio({ command: HOST_BIN, args: ['--config', config], stderr: 'pipe' }));
    try {
      await eventually(() => asked >= 1, 'the host asking for roots after initialized');
      let seen;
      for (let i = 0; i < 100; i++) {
        seen = text(await client.callTool({ name: 'cpp_helper__roots', arguments: {} }));
        if (seen !== '(none)') break;
        await sleep(10);
      }
      assert.deepEqual(JSON.parse(seen), [{ uri: 'file:///first', name: 'First' }]);
      roots = [{ uri: 'file:///second' }];
      await client.sendRootsListChanged();
      await eventually(() => asked >= 2, 'the host asking again after list_changed');
      for (let i = 0; i < 100; i++) {
        seen = text(await client.callTool({ name: 'cpp_helper__roots', arguments: {} }));
        if (seen.includes('second')) break;
        await sleep(10);
      }
      assert.deepEqual(JSON.parse(seen), [{ uri: 'file:///second' }]);
    } finally {
      await client.close();
    }

    const host = new RawHost(config);
    try {
      await host.initialize();  // no roots capability
      const r = await host.request(1, 'tools/call', { name: 'cpp_helper__roots', arguments: {} });
      assert.equal(r.result.content[0].text, '(none)');
      assert.ok(!host.messages.some((m) => m.method === 'roots/list'), 'not asked');
    } finally {
      await host.close();
    }
  });
});

describe('modern (client v2 pinned to 2026-07-28 over stdio): input_required and retries', () => {
  let client;
  before(async () => {
    client = new ModernClient(
      { name: 'mcphost-e2e-input-modern', version: '1.0.0' },
      {
        capabilities: { elicitation: { form: {} }, sampling: {}, roots: {} },
        versionNegotiation: { mode: { pin: MODERN_VERSION } },
      },
    );
    client.setRequestHandler('elicitation/create', async (req) => formAnswer(req.params.requestedSchema, 'Bob'));
    client.setRequestHandler('sampling/createMessage', async () => ({
      role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'm', stopReason: 'endTurn',
    }));
    client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///modern/root' }] }));
    await client.connect(new ModernStdio({ command: HOST_BIN, args: ['--config', inputConfig()], stderr: 'pipe' }));
  });
  after(async () => client?.close());

  it('elicitation, sampling and roots are fulfilled by the client and retried', async () => {
    const e = await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} });
    assert.equal(text(e), 'Hello, Bob!');
    const s = await client.callTool({ name: 'test_input_required_result_sampling', arguments: {} });
    assert.match(text(s), /Paris/);
    const r = await client.callTool({ name: 'test_input_required_result_list_roots', arguments: {} });
    assert.match(text(r), /file:\/\/\/modern\/root/);
  });

  it('multiple rounds carry the handler state through the sealed requestState', async () => {
    const rounds = await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} });
    assert.equal(text(rounds), 'Multi-round complete: Bob likes blue');
    const state = await client.callTool({ name: 'test_input_required_result_request_state', arguments: {} });
    assert.match(text(state), /state-ok/);
  });
});

describe('modern, raw: the requestState is checked', () => {
  let host;
  const caps = { elicitation: {} };
  const call = (id, extra = {}, args = {}) => host.request(id, 'tools/call', {
    name: 'test_input_required_result_request_state', arguments: args, _meta: modernMeta({ [META_CAPS]: caps }), ...extra,
  });
  // The first round: an input_required result with its state.
  async function firstRound(id) {
    const r = await call(id);
    assert.equal(r.result.resultType, 'input_required');
    assert.equal(typeof r.result.requestState, 'string');
    const key = Object.keys(r.result.inputRequests)[0];
    return { state: r.result.requestState, key };
  }
  const accept = { action: 'accept', content: { ok: true } };

  before(() => {
    host = new RawHost(inputConfig({ ttlMs: 300 }));
  });
  after(async () => host?.close());

  it('the state is sealed: the plugin\'s own text does not appear in it', async () => {
    const { state } = await firstRound('s0');
    assert.ok(!state.includes('conformance/'), state);
    assert.match(state, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('a tampered state is refused with -32602', async () => {
    const { state, key } = await firstRound('t1');
    const flipped = state.slice(0, 10) + (state[10] === 'A' ? 'B' : 'A') + state.slice(11);
    for (const [i, bad] of [state + '-TAMPERED', flipped, 'garbage'].entries()) {
      const r = await call(`t2-${i}`, { inputResponses: { [key]: accept }, requestState: bad });
      assert.equal(r.error?.code, -32602, JSON.stringify(r));
      assert.match(r.error.message, /requestState/);
    }
  });

  it('a state used once is refused the second time (replay)', async () => {
    const { state, key } = await firstRound('r1');
    const ok = await call('r2', { inputResponses: { [key]: accept }, requestState: state });
    assert.equal(ok.result?.resultType, 'complete', JSON.stringify(ok));
    const again = await call('r3', { inputResponses: { [key]: accept }, requestState: state });
    assert.equal(again.error?.code, -32602);
    assert.match(again.error.message, /already used/);
  });

  it('a state for other arguments or another tool is refused', async () => {
    const { state, key } = await firstRound('f1');
    const otherArgs = await call('f2', { inputResponses: { [key]: accept }, requestState: state }, { x: 1 });
    assert.equal(otherArgs.error?.code, -32602);
    const otherTool = await host.request('f3', 'tools/call', {
      name: 'test_input_required_result_elicitation', arguments: {}, _meta: modernMeta({ [META_CAPS]: caps }),
      inputResponses: { user_name: { action: 'accept', content: { name: 'x' } } }, requestState: state,
    });
    assert.equal(otherTool.error?.code, -32602);
  });

  it('an expired state is refused', async () => {
    const { state, key } = await firstRound('e1');
    await sleep(450);  // request_state.ttl_ms is 300 here
    const r = await call('e2', { inputResponses: { [key]: accept }, requestState: state });
    assert.equal(r.error?.code, -32602);
    assert.match(r.error.message, /expired/);
  });

  it('malformed inputResponses are an error, never a complete result', async () => {
    for (const [i, bad] of [null, 12345, 'x', { user_name: 12345 }].entries()) {
      const r = await host.request(`m${i}`, 'tools/call', {
        name: 'test_input_required_result_elicitation', arguments: {}, _meta: modernMeta({ [META_CAPS]: caps }), inputResponses: bad,
      });
      assert.equal(r.error?.code, -32602, JSON.stringify(r));
    }
  });

  it('a request that did not declare elicitation gets -32021 naming it', async () => {
    const r = await host.request('c1', 'tools/call', {
      name: 'test_input_required_result_elicitation', arguments: {}, _meta: modernMeta({ [META_CAPS]: {} }),
    });
    assert.equal(r.error?.code, -32021);
    assert.deepEqual(r.error.data, { requiredCapabilities: { elicitation: {} } });
  });
});

describe('one key for every replica: a state sealed by one host opens on another', () => {
  it('with request_state.key_env shared, host B accepts host A\'s state; with another key it does not', async () => {
    const keyed = (name) => writeConfig(`server:
  log_level: info
  request_state: {key_env: ${name}}
plugins:
  - path: "${CONFORMANCE_SO}"
    alias: ""
`);
    process.env.MCPHOST_E2E_KEY_1 = 'a'.repeat(64);
    process.env.MCPHOST_E2E_KEY_2 = 'b'.repeat(64);
    const a = new RawHost(keyed('MCPHOST_E2E_KEY_1'));
    const b = new RawHost(keyed('MCPHOST_E2E_KEY_1'));
    const c = new RawHost(keyed('MCPHOST_E2E_KEY_2'));
    try {
      const params = { name: 'test_input_required_result_elicitation', arguments: {}, _meta: modernMeta({ [META_CAPS]: { elicitation: {} } }) };
      const first = await a.request(1, 'tools/call', params);
      const retry = {
        ...params,
        inputResponses: { user_name: { action: 'accept', content: { name: 'Eve' } } },
        requestState: first.result.requestState,
      };
      const other = await c.request(2, 'tools/call', retry);
      assert.equal(other.error?.code, -32602);
      const done = await b.request(2, 'tools/call', retry);
      assert.equal(done.result?.content?.[0]?.text, 'Hello, Eve!');
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
