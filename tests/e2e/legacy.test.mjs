// legacy.test.mjs - the legacy era (initialize handshake, 2025-11-25) as the
// official TypeScript SDK 1.x client speaks it: @modelcontextprotocol/sdk
// Client + StdioClientTransport against mcp-host over stdio.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';

import {
  ECHO_SO,
  HOST_BIN,
  eventually,
  fixture,
  runHost,
  sleep,
  standardConfig,
  writeConfig,
} from './helpers.mjs';

// Connects an SDK 1.x client to a fresh mcp-host. Every message the client
// receives is also kept in `received`, so tests can look at the wire.
async function connect(configPath, extraArgs = []) {
  const transport = new StdioClientTransport({
    command: HOST_BIN,
    args: ['--config', configPath, ...extraArgs],
    env: { ...process.env },  // keeps ASAN_OPTIONS and friends (the SDK passes only a few variables by default)
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr.on('data', (c) => (stderr += c));
  // SDK 1.x dispatches notifications on a microtask but responses at once,
  // so a response that arrives in the same read as the notifications sent
  // before it (progress, log) overtakes them, and the progress handler is
  // gone before they are seen. The tap hands responses on one macrotask
  // later, which restores the order they had on the wire.
  const received = [];
  let handler;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => handler && ((msg, extra) => {
      received.push(msg);
      if ('id' in msg && !('method' in msg)) setImmediate(() => handler(msg, extra));
      else handler(msg, extra);
    }),
    set: (fn) => (handler = fn),
  });
  const client = new Client({ name: 'mcphost-e2e-legacy', version: '1.0.0' }, { capabilities: {} });
  const errors = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  return { client, transport, received, errors, stderr: () => stderr };
}

// Asserts that `promise` rejects with a JSON-RPC error `code`; returns the error.
async function rejectsWithCode(promise, code) {
  let caught;
  await assert.rejects(promise, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof McpError, `expected an McpError, got ${caught}`);
  assert.equal(caught.code, code, `expected error code ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

const textOf = (result) => {
  assert.ok(Array.isArray(result.content), 'result.content must be an array');
  return result.content.filter((c) => c.type === 'text').map((c) => c.text).join('');
};

describe('legacy era (SDK 1.x client, 2025-11-25)', () => {
  let h;
  before(async () => {
    h = await connect(standardConfig());
  });
  after(async () => {
    await h?.client.close();
  });

  it('initialize negotiates 2025-11-25 and reports serverInfo and capabilities', () => {
    const init = h.received.find((m) => m.id !== undefined && m.result && m.result.protocolVersion);
    assert.ok(init, 'the initialize result was received');
    assert.equal(init.result.protocolVersion, '2025-11-25');
    assert.equal(init.result.resultType, undefined, 'legacy results carry no resultType');
    const info = h.client.getServerVersion();
    assert.equal(info.name, 'mcphost');
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    const caps = h.client.getServerCapabilities();
    assert.ok(caps.tools, 'tools capability');
    assert.ok(caps.resources, 'resources capability');
    assert.ok(caps.prompts, 'prompts capability');
    assert.ok(caps.logging, 'logging capability (legacy eras)');
  });

  it('ping answers with an empty result', async () => {
    assert.deepEqual(await h.client.ping(), {});
  });

  it('tools/list: exposed names, schemas, annotations; refused registrations are absent', async () => {
    const { tools, nextCursor } = await h.client.listTools();
    assert.equal(nextCursor, undefined, 'one page with the default page size');
    const names = tools.map((t) => t.name);
    for (const n of [
      'echo__echo',
      'misbehaving__bad_json_result',
      'misbehaving__returns_internal',
      'misbehaving__invalid_arg',
      'misbehaving__bad_output',
      'misbehaving__slow',
      'misbehaving__progress',
      'misbehaving__log',
      'misbehaving__hang',
      'misbehaving__flood_logs',
      'misbehaving__huge_result',
      'misbehaving__throws',
      'cpp_helper__add',
      'cpp_helper__fail',
      'mcphost__read_resource',
    ]) {
      assert.ok(names.includes(n), `tools/list has ${n} (got ${names.join(', ')})`);
    }
    assert.equal(new Set(names).size, names.length, 'no duplicate names');
    for (const refused of ['bad name!', 'bad_schema_not_json', 'bad_schema_string']) {
      assert.ok(!names.some((n) => n.endsWith(refused)), `${refused} was refused`);
    }
    const dup = tools.filter((t) => t.name === 'misbehaving__bad_json_result');
    assert.equal(dup.length, 1);
    assert.ok(!dup[0].description.includes('DUPLICATE'), 'the first registration wins, the duplicate is refused');

    const echo = tools.find((t) => t.name === 'echo__echo');
    assert.equal(echo.title, 'Echo');
    assert.equal(echo.inputSchema.type, 'object');
    assert.equal(echo.inputSchema.properties.text.type, 'string');
    assert.deepEqual(echo.inputSchema.required, ['text']);
    assert.deepEqual(echo.annotations, {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    });
    const add = tools.find((t) => t.name === 'cpp_helper__add');
    assert.deepEqual(add.outputSchema.required, ['sum']);
    assert.equal(add.annotations.readOnlyHint, true);
  });

  it('tools/call echo returns exactly the text', async () => {
    const r = await h.client.callTool({ name: 'echo__echo', arguments: { text: 'hello, mcphost' } });
    assert.deepEqual(r.content, [{ type: 'text', text: 'hello, mcphost' }]);
    assert.ok(!r.isError);
  });

  it('tools/call echo keeps unicode, escapes and control characters intact', async () => {
    const text = 'héllo wörld ✓ 中文 👩‍💻 "quoted" back\\slash\ttab\nnewline \u0001 \u2028 end';
    const r = await h.client.callTool({ name: 'echo__echo', arguments: { text } });
    assert.equal(textOf(r), text);
  });

  it('tools/call with structured output returns structuredContent', async () => {
    const r = await h.client.callTool({ name: 'cpp_helper__add', arguments: { a: 2, b: 3.5 } });
    assert.ok(!r.isError);
    assert.deepEqual(r.structuredContent, { sum: 5.5 });
    assert.equal(textOf(r), '5.5');
  });

  it('arguments that break the input schema give an isError result', async () => {
    for (const args of [{ text: 42 }, {}, { text: 'x', extra: true }]) {
      const r = await h.client.callTool({ name: 'echo__echo', arguments: args });
      assert.equal(r.isError, true, `isError for ${JSON.stringify(args)}`);
      assert.ok(textOf(r).length > 0, 'the error result explains itself');
    }
  });

  it('a failing tool gives an isError result with the plugin message', async () => {
    const cases = [
      ['misbehaving__invalid_arg', 'x must be positive'],
      ['misbehaving__returns_internal', 'database unreachable'],
      ['misbehaving__throws', 'boom from plugin'],
      ['cpp_helper__fail', 'nope'],
    ];
    for (const [name, message] of cases) {
      const r = await h.client.callTool({ name, arguments: {} });
      assert.equal(r.isError, true, `${name} isError`);
      assert.ok(textOf(r).includes(message), `${name}: "${textOf(r)}" mentions "${message}"`);
    }
  });

  it('an unknown tool is -32602', async () => {
    await rejectsWithCode(h.client.callTool({ name: 'no_such_tool', arguments: {} }), -32602);
  });

  it('a result that breaks the outputSchema, or invalid JSON from a plugin, is -32603', async () => {
    await rejectsWithCode(h.client.callTool({ name: 'misbehaving__bad_output', arguments: {} }), -32603);
    await rejectsWithCode(h.client.callTool({ name: 'misbehaving__bad_json_result', arguments: {} }), -32603);
  });

  it('prompts: list, get, unknown prompt and missing required argument', async () => {
    const { prompts } = await h.client.listPrompts();
    const greet = prompts.find((p) => p.name === 'misbehaving__greet');
    assert.ok(greet, 'misbehaving__greet is listed');
    assert.deepEqual(greet.arguments.map((a) => [a.name, a.required]), [['who', true]]);

    const r = await h.client.getPrompt({ name: 'misbehaving__greet', arguments: { who: 'Ada' } });
    assert.deepEqual(r.messages, [{ role: 'user', content: { type: 'text', text: 'Hello, Ada!' } }]);

    await rejectsWithCode(h.client.getPrompt({ name: 'no_such_prompt', arguments: {} }), -32602);
    await rejectsWithCode(h.client.getPrompt({ name: 'misbehaving__greet', arguments: {} }), -32602);
  });

  it('a cursor the server did not issue is -32602 on every list', async () => {
    await rejectsWithCode(h.client.listTools({ cursor: 'not-a-cursor!' }), -32602);
    await rejectsWithCode(h.client.listPrompts({ cursor: 'bm9wZQ' }), -32602);
    await rejectsWithCode(h.client.listResources({ cursor: '' }), -32602);
    await rejectsWithCode(h.client.listResourceTemplates({ cursor: 'AAAA' }), -32602);
  });

  it('resources: list, read, template read', async () => {
    const { resources } = await h.client.listResources();
    const uris = resources.map((r) => r.uri);
    for (const u of ['test://misbehaving/readme', 'mcphost://status', 'mcphost://capabilities']) {
      assert.ok(uris.includes(u), `resources/list has ${u}`);
    }
    assert.ok(!uris.includes(''), 'the empty uri was refused');

    const readme = await h.client.readResource({ uri: 'test://misbehaving/readme' });
    assert.equal(readme.contents.length, 1);
    assert.equal(readme.contents[0].uri, 'test://misbehaving/readme');
    assert.equal(readme.contents[0].text, 'misbehaving plugin');

    const { resourceTemplates } = await h.client.listResourceTemplates();
    assert.ok(resourceTemplates.some((t) => t.uriTemplate === 'test://misbehaving/items/{id}'));
    const item = await h.client.readResource({ uri: 'test://misbehaving/items/42' });
    assert.equal(item.contents[0].text, 'item 42');
    assert.equal(item.contents[0].uri, 'test://misbehaving/items/42');
  });

  it('the host resources describe the running host', async () => {
    const status = await h.client.readResource({ uri: 'mcphost://status' });
    const s = JSON.parse(status.contents[0].text);
    const plugins = s.plugins.map((p) => p.name).sort();
    assert.deepEqual(plugins, ['cpp_helper', 'echo', 'misbehaving']);
    assert.ok(s.requestsServed > 0);

    const caps = await h.client.readResource({ uri: 'mcphost://capabilities' });
    assert.ok(caps.contents[0].text.includes('echo__echo'), 'the capabilities resource lists the catalog');

    const viaTool = await h.client.callTool({ name: 'mcphost__read_resource', arguments: { uri: 'test://misbehaving/readme' } });
    assert.ok(!viaTool.isError);
    assert.ok(JSON.stringify(viaTool.content).includes('misbehaving plugin'), 'the resource mirror tool reads the resource');
  });

  it('resource not found is -32002 with data.uri', async () => {
    for (const uri of ['test://nowhere/at-all', 'test://misbehaving/items/abc']) {
      const err = await rejectsWithCode(h.client.readResource({ uri }), -32002);
      assert.deepEqual(err.data, { uri });
    }
  });

  it('progress notifications reach the onprogress callback', async () => {
    const seen = [];
    const r = await h.client.callTool({ name: 'misbehaving__progress', arguments: {} }, undefined, {
      onprogress: (p) => seen.push(p),
    });
    assert.equal(textOf(r), 'done');
    // On the wire: three notifications/progress carrying the request's token.
    const req = h.received.filter((m) => m.method === 'notifications/progress');
    const token = req.at(-1)?.params.progressToken;
    assert.ok(token !== undefined, 'progress notifications were sent');
    assert.deepEqual(req.filter((m) => m.params.progressToken === token).map((m) => [m.params.progress, m.params.total]),
      [[1, 3], [2, 3], [3, 3]]);
    await eventually(() => seen.length >= 3, '3 progress notifications');
    assert.deepEqual(seen.map((p) => [p.progress, p.total]), [[1, 3], [2, 3], [3, 3]]);
    assert.deepEqual(seen.map((p) => p.message), ['step 1 of 3', 'step 2 of 3', 'step 3 of 3']);
  });

  it('logging: notifications/message after logging/setLevel, filtered by level', async () => {
    const logs = [];
    h.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
    await h.client.setLoggingLevel('info');
    const r = await h.client.callTool({ name: 'misbehaving__log', arguments: {} });
    assert.equal(textOf(r), 'logged');
    await eventually(() => logs.length >= 3, '3 log notifications');
    assert.equal(logs.length, 3);
    for (const [i, l] of logs.entries()) {
      assert.equal(l.level, 'info');
      assert.ok(JSON.stringify(l.data).includes(`log line ${i + 1}`), `log ${i + 1}: ${JSON.stringify(l)}`);
    }

    // Above the messages' level: the host sends them before the result on
    // the same pipe, so none can still be on the way once the result is here.
    await h.client.setLoggingLevel('warning');
    const before = logs.length;
    const r2 = await h.client.callTool({ name: 'misbehaving__log', arguments: {} });
    assert.equal(textOf(r2), 'logged');
    assert.equal(logs.length, before, 'no info messages at level warning');
    await h.client.setLoggingLevel('info');
  });

  it('cancellation: an aborted call rejects and the host keeps serving', async () => {
    const ac = new AbortController();
    const slow = h.client.callTool({ name: 'misbehaving__slow', arguments: {} }, undefined, { signal: ac.signal });
    await sleep(200);
    ac.abort('the test cancels it');
    await assert.rejects(slow);
    const r = await h.client.callTool({ name: 'echo__echo', arguments: { text: 'still here' } });
    assert.equal(textOf(r), 'still here');
    // A cancelled request gets no response: an answer to it would show up
    // as a response for an unknown message id.
    await sleep(300);
    assert.deepEqual(h.errors.map(String).filter((e) => /unknown message ID/i.test(e)), []);
  });
});

describe('legacy era: pagination (server.page_size: 1)', () => {
  let h;
  before(async () => {
    const cfg = writeConfig(`server:
  page_size: 1
plugins:
  - path: ${JSON.stringify(ECHO_SO)}
    alias: ""
  - path: ${JSON.stringify(fixture('misbehaving'))}
  - path: ${JSON.stringify(fixture('cpp_helper'))}
`);
    h = await connect(cfg);
  });
  after(async () => {
    await h?.client.close();
  });

  async function walk(list, key) {
    const seen = [];
    let cursor;
    let pages = 0;
    do {
      const page = await list(cursor === undefined ? {} : { cursor });
      assert.ok(page[key].length <= 1, `a page holds at most page_size items (${page[key].length})`);
      seen.push(...page[key]);
      cursor = page.nextCursor;
      pages += 1;
      assert.ok(pages < 100, 'the cursor chain ends');
    } while (cursor !== undefined);
    return { seen, pages };
  }

  it('walks every tool, one per page, via nextCursor', async () => {
    const { seen, pages } = await walk((p) => h.client.listTools(p), 'tools');
    const names = seen.map((t) => t.name);
    assert.equal(pages, names.length, 'one tool per page');
    assert.equal(new Set(names).size, names.length, 'no tool is seen twice');
    for (const n of ['echo', 'misbehaving__slow', 'misbehaving__throws', 'cpp_helper__add', 'cpp_helper__fail', 'mcphost__read_resource']) {
      assert.ok(names.includes(n), `${n} is on some page (alias "" exposes echo unprefixed)`);
    }
    assert.equal(names.length, 17, `all tools seen: ${names.join(', ')}`);
  });

  it('walks every resource and prompt as well', async () => {
    const res = await walk((p) => h.client.listResources(p), 'resources');
    assert.deepEqual(res.seen.map((r) => r.uri).sort(), ['mcphost://capabilities', 'mcphost://status', 'test://misbehaving/readme']);
    const prompts = await walk((p) => h.client.listPrompts(p), 'prompts');
    assert.deepEqual(prompts.seen.map((p) => p.name), ['misbehaving__greet']);
  });
});

describe('legacy era: bad plugins', () => {
  const badConfig = () => writeConfig(`plugins:
  - path: ${JSON.stringify(fixture('bad_abi_version'))}
  - path: ${JSON.stringify(fixture('bad_struct_size'))}
  - path: ${JSON.stringify(fixture('no_entry'))}
  - path: ${JSON.stringify(ECHO_SO)}
`);

  it('the host reports the bad plugins and still serves the good one', async () => {
    const h = await connect(badConfig());
    try {
      const { tools } = await h.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['echo__echo', 'mcphost__read_resource']);
      const r = await h.client.callTool({ name: 'echo__echo', arguments: { text: 'survived' } });
      assert.equal(textOf(r), 'survived');
      for (const bad of ['bad_abi_version', 'bad_struct_size', 'no_entry']) {
        assert.ok(h.stderr().includes(bad), `stderr reports ${bad}:\n${h.stderr()}`);
      }
    } finally {
      await h.client.close();
    }
  });

  it('with --strict the host refuses to start and names the ABI versions', async () => {
    const cfg = writeConfig(`plugins:
  - path: ${JSON.stringify(fixture('bad_abi_version'))}
  - path: ${JSON.stringify(ECHO_SO)}
`);
    const { code, stdout, stderr } = await runHost(['--config', cfg, '--strict']);
    assert.notEqual(code, 0, 'exit status');
    assert.equal(stdout, '', 'nothing on stdout');
    // The message about the plugin (after its path, so no timestamp or path
    // digits count) names both the host's ABI version 1 and the plugin's 99.
    const line = stderr.split('\n').find((l) => l.includes('libbad_abi_version.so'));
    assert.ok(line, `stderr names the plugin:\n${stderr}`);
    const message = line.slice(line.indexOf('libbad_abi_version.so') + 'libbad_abi_version.so'.length);
    assert.match(message, /\b99\b/, `names the plugin's ABI version 99: ${line}`);
    assert.match(message, /\b1\b/, `names the host's ABI version 1: ${line}`);
  });

  it('with --strict any bad plugin stops start-up', async () => {
    for (const bad of ['bad_struct_size', 'no_entry']) {
      const cfg = writeConfig(`plugins:
  - path: ${JSON.stringify(fixture(bad))}
  - path: ${JSON.stringify(ECHO_SO)}
`);
      const { code, stderr } = await runHost(['--config', cfg, '--strict']);
      assert.notEqual(code, 0, `${bad}: exit status`);
      assert.match(stderr, new RegExp(bad), `${bad} is named:\n${stderr}`);
    }
  });
});
