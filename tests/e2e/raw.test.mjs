// raw.test.mjs - JSON-RPC over stdio byte by byte, for what no SDK client
// sends: broken JSON, oversized and deeply nested messages, invalid UTF-8,
// CRLF, batches, requests before initialize, out-of-order responses and
// notifications/cancelled.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { RawHost, sleep, standardConfig } from './helpers.mjs';

const echoCall = (id, text) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo__echo', arguments: { text } },
});

// Checks the host still answers, with a fresh id.
let aliveId = 0;
async function assertAlive(host) {
  const id = `alive-${++aliveId}`;
  host.send(echoCall(id, id));
  const res = await host.waitFor((m) => m.id === id, `the echo ${id}`);
  assert.equal(res.result?.content?.[0]?.text, id, `the host still serves: ${JSON.stringify(res)}`);
}

describe('raw JSON-RPC: malformed input', () => {
  let host;
  before(async () => {
    host = new RawHost(standardConfig());
    await host.initialize();
  });
  after(async () => {
    if (!host) return;
    const { code } = await host.close();
    assert.equal(code, 0, `exit status at end of input; stderr:\n${host.stderr}`);
    assert.deepEqual(host.garbage, [], 'every stdout line is a JSON message');
    assert.match(host.stderr, /serving/, 'the host logs to stderr');
  });

  it('malformed JSON is -32700 with id null', async () => {
    // The JSON-RPC 2.0 specification's own example, and plain text: no id to read.
    for (const bad of ['{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', 'not json at all']) {
      const before = host.messages.length;
      host.send(bad);
      const err = await host.waitFor((m) => host.messages.indexOf(m) >= before && m.error, `a parse error for ${bad}`);
      assert.equal(err.error.code, -32700);
      assert.equal(err.id, null);
    }
    await assertAlive(host);
  });

  it('malformed JSON whose id could be read is -32700 carrying that id', async () => {
    host.send('{"jsonrpc":"2.0","id":"trunc","method":"tools/list"');
    const err = await host.waitFor((m) => m.id === 'trunc', 'the parse error with the id');
    assert.equal(err.error?.code, -32700);
  });

  it('a wrong jsonrpc version is -32600 carrying the id', async () => {
    host.send({ jsonrpc: '1.0', id: 'v1', method: 'tools/list' });
    const res = await host.waitFor((m) => m.id === 'v1', 'the answer to jsonrpc 1.0');
    assert.equal(res.error?.code, -32600);
    host.send({ id: 'nov', method: 'tools/list' });
    const res2 = await host.waitFor((m) => m.id === 'nov', 'the answer to a message without jsonrpc');
    assert.equal(res2.error?.code, -32600);
  });

  it('a request that is not an object, or has a bad id, is -32600', async () => {
    const before = host.messages.length;
    host.send('42');
    await host.waitFor((m) => host.messages.indexOf(m) >= before && m.error, 'an error for 42');
    const err = host.messages.slice(before).find((m) => m.error);
    assert.equal(err.error.code, -32600);
    assert.equal(err.id, null);
  });

  it('a message over the 4 MiB limit is refused with its id (read from the end) and the host keeps serving', async () => {
    const text = 'x'.repeat(5 * 1024 * 1024);
    // The id comes last, after 5 MiB of arguments.
    host.send(`{"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"${text}"}},"id":"big-1"}`);
    const res = await host.waitFor((m) => m.id === 'big-1', 'the answer to the oversized message');
    assert.ok(res.error, 'an error, not a result');
    assert.ok([-32600, -32700].includes(res.error.code), `code ${res.error.code}`);
    await assertAlive(host);
  });

  it('deep nesting cannot overflow the stack: an error, and the host stays up', async () => {
    const before = host.messages.length;
    host.send('['.repeat(100000));
    await host.waitFor((m) => host.messages.indexOf(m) >= before && m.error, 'an error for 100k [');
    const err = host.messages.slice(before).find((m) => m.error);
    assert.equal(err.id, null);
    await assertAlive(host);

    // Deep nesting inside a request whose id comes first: the error carries it.
    host.send(`{"jsonrpc":"2.0","id":"deep","method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"a","x":${'['.repeat(100000)}${']'.repeat(100000)}}}}`);
    const res = await host.waitFor((m) => m.id === 'deep', 'the answer to the deeply nested request');
    assert.ok(res.error, `an error, not a result: ${JSON.stringify(res).slice(0, 200)}`);
    await assertAlive(host);
  });

  it('invalid UTF-8 is refused with an error, not passed on to the plugin', async () => {
    const head = Buffer.from('{"jsonrpc":"2.0","id":"utf8","method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"bad ');
    const tail = Buffer.from('"}}}');
    for (const bad of [[0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80] /* a UTF-16 surrogate */, [0xc0, 0xaf] /* overlong */]) {
      const before = host.messages.length;
      host.send(Buffer.concat([head, Buffer.from(bad), tail]));
      const res = await host.waitFor((m) => host.messages.indexOf(m) >= before && m.id === 'utf8', `the answer to bytes ${bad}`);
      assert.ok(res.error, `bytes ${bad.map((b) => b.toString(16))}: an error, not ${JSON.stringify(res)}`);
    }
    await assertAlive(host);
  });

  it('CRLF line endings are accepted', async () => {
    host.send(echoCall('crlf', 'windows'), '\r\n');
    const res = await host.waitFor((m) => m.id === 'crlf', 'the CRLF request answer');
    assert.equal(res.result?.content?.[0]?.text, 'windows');
  });

  it('a response or notification from the client gets no answer', async () => {
    const before = host.messages.length;
    host.send({ jsonrpc: '2.0', id: 'client-response', result: {} });
    host.send({ jsonrpc: '2.0', method: 'notifications/whatever', params: {} });
    await assertAlive(host);
    assert.deepEqual(host.messages.slice(before).filter((m) => m.id !== `alive-${aliveId}`), []);
  });
});

describe('raw JSON-RPC: the legacy handshake', () => {
  it('a legacy request before initialize is an error; ping is allowed', async () => {
    const host = new RawHost(standardConfig());
    try {
      const res = await host.request('early', 'tools/list', {});
      assert.ok(res.error, `an error before initialize: ${JSON.stringify(res)}`);
      const call = await host.request('early-call', 'tools/call', { name: 'echo__echo', arguments: { text: 'x' } });
      assert.ok(call.error, 'tools/call before initialize is an error too');
      const init = await host.initialize();
      assert.equal(init.result.protocolVersion, '2025-11-25');
      const after = await host.request('later', 'tools/list', {});
      assert.ok(after.result.tools.length > 0);
    } finally {
      await host.close();
    }
  });

  it('initialize echoes a supported legacy version and answers others with 2025-11-25', async () => {
    for (const [asked, agreed] of [['2024-11-05', '2024-11-05'], ['2025-06-18', '2025-06-18'], ['1999-01-01', '2025-11-25']]) {
      const host = new RawHost(standardConfig());
      try {
        const init = await host.initialize(asked);
        assert.equal(init.result.protocolVersion, agreed, `asked ${asked}`);
        assert.equal(init.result.serverInfo.name, 'mcphost');
      } finally {
        await host.close();
      }
    }
  });
});

describe('raw JSON-RPC: batches', () => {
  const batch = [
    echoCall('b1', 'one'),
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'nothing' } },
    { jsonrpc: '2.0', id: 'b2', method: 'tools/list' },
  ];

  it('is refused unless the client negotiated 2025-03-26', async () => {
    const host = new RawHost(standardConfig());
    try {
      await host.initialize('2025-11-25');
      const before = host.messages.length;
      host.send(batch);
      await host.waitFor((m) => host.messages.indexOf(m) >= before, 'an answer to the batch');
      const answer = host.messages[before];
      assert.ok(!Array.isArray(answer), 'a single error, not an array');
      assert.equal(answer.error?.code, -32600);
      assert.equal(host.responsesTo('b1').length, 0, 'no member was run');
      await assertAlive(host);
    } finally {
      await host.close();
    }
  });

  it('is served as one array to a 2025-03-26 client', async () => {
    const host = new RawHost(standardConfig());
    try {
      const init = await host.initialize('2025-03-26');
      assert.equal(init.result.protocolVersion, '2025-03-26');
      host.send(batch);
      const answer = await host.waitFor((m) => Array.isArray(m), 'the batch response array');
      assert.equal(answer.length, 2, 'one response per request, none for the notification');
      const byId = Object.fromEntries(answer.map((r) => [r.id, r]));
      assert.equal(byId.b1.result.content[0].text, 'one');
      assert.ok(byId.b2.result.tools.length > 0);
    } finally {
      await host.close();
    }
  });
});

describe('raw JSON-RPC: concurrency and cancellation', () => {
  it('responses leave out of order; a cancelled request is never answered', { timeout: 60000 }, async () => {
    const host = new RawHost(standardConfig());
    try {
      await host.initialize();
      const started = Date.now();
      host.send({ jsonrpc: '2.0', id: 'slow-1', method: 'tools/call', params: { name: 'misbehaving__slow', arguments: {} } });
      host.send(echoCall('fast-1', 'overtakes'));
      const fast = await host.waitFor((m) => m.id === 'fast-1', 'the echo answer');
      assert.equal(fast.result.content[0].text, 'overtakes');
      assert.equal(host.responsesTo('slow-1').length, 0, 'the slow call is still running when the echo is answered');
      const fastIndex = host.messages.indexOf(fast);

      host.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'slow-1', reason: 'test' } });
      await assertAlive(host);
      // The fixture gives up by itself after 10 s and would then answer
      // "not cancelled within 10 s": wait past that, so an ignored
      // cancellation shows up as a response.
      const waitUntil = started + 11000;
      while (Date.now() < waitUntil) {
        await sleep(100);
        if (host.responsesTo('slow-1').length) break;
      }
      assert.deepEqual(host.responsesTo('slow-1'), [], 'no response for the cancelled request');
      assert.ok(fastIndex >= 0);
      await assertAlive(host);
    } finally {
      await host.close();
    }
    assert.deepEqual(host.garbage, [], 'every stdout line is a JSON message');
  });

  it('requests run concurrently: many echoes while a slow call runs, then the slow call is cancelled', async () => {
    const host = new RawHost(standardConfig());
    try {
      await host.initialize();
      host.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'misbehaving__slow', arguments: {} } });
      for (let i = 0; i < 20; i++) host.send(echoCall(`e${i}`, `n${i}`));
      for (let i = 0; i < 20; i++) {
        const r = await host.waitFor((m) => m.id === `e${i}`, `echo e${i}`);
        assert.equal(r.result.content[0].text, `n${i}`);
      }
      assert.equal(host.responsesTo(7).length, 0);
      host.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } });
      await assertAlive(host);
    } finally {
      // End of input: the host must exit by itself, cancelling what still runs.
      const { code } = await host.close();
      assert.equal(code, 0, `exit status at end of input; stderr:\n${host.stderr}`);
    }
  });
});
