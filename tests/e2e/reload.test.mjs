// reload.test.mjs - hot reload of mcp-host under load, over Streamable HTTP:
// 20 SIGHUPs alternating two configs while 100 clients (50 legacy sessions,
// 50 modern) call; no request fails. A broken config on reload leaves the
// service as it was; with server.watch_config a changed file reloads by
// itself; list_changed reaches a legacy session.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { ECHO_SO, eventually, fixture, sleep, tempDir } from './helpers.mjs';
import { HttpHost, legacySession, modernHeaders, modernRequest, post } from './http_helpers.mjs';

const q = (s) => JSON.stringify(s);

// The config file, rewritten in place by rename (the host never reads half a file).
class ConfigFile {
  constructor(server = {}) {
    this.path = path.join(tempDir(), 'mcphost.yaml');
    this.server = server;
  }
  write(plugins) {
    const serverLines = Object.entries({ log_level: 'warn', transport: 'http', ...this.server })
      .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? q(v) : v}`)
      .join('\n');
    const text = `server:\n${serverLines}\n  http: {listen: "127.0.0.1:0"}\nplugins:\n${plugins}`;
    const tmp = `${this.path}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, this.path);
  }
}

const PLUGINS_A = `  - path: ${q(ECHO_SO)}\n  - path: ${q(fixture('misbehaving'))}\n`;
const PLUGINS_B = `  - path: ${q(ECHO_SO)}\n  - path: ${q(fixture('cpp_helper'))}\n  - path: ${q(fixture('misbehaving'))}\n    alias: mb\n`;

async function toolNames(url) {
  const r = await post(url, modernRequest(1, 'tools/list'), modernHeaders('tools/list'));
  assert.equal(r.status, 200, r.text);
  return r.json.result.tools.map((t) => t.name).sort();
}

describe('hot reload', () => {
  const hosts = [];
  after(async () => {
    for (const h of hosts) await h.stop();
  });

  test('20 SIGHUPs alternating two configs under 100 clients: no request fails', async () => {
    const cfg = new ConfigFile();
    cfg.write(PLUGINS_A);
    const host = await HttpHost.start(cfg.path);
    hosts.push(host);
    const url = host.url;

    const legacy = await Promise.all(Array.from({ length: 50 }, () => legacySession(url)));
    const failures = [];
    let answered = 0;
    let running = true;
    const callOnce = async (client, i) => {
      const text = `${client}-${i}`;
      const isLegacy = client < 50;
      const body = isLegacy
        ? { jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'echo__echo', arguments: { text } } }
        : modernRequest(i, 'tools/call', { name: 'echo__echo', arguments: { text } });
      const headers = isLegacy
        ? { 'mcp-session-id': legacy[client], 'mcp-protocol-version': '2025-11-25' }
        : modernHeaders('tools/call', 'echo__echo');
      const r = await post(url, body, headers);
      const msg = Array.isArray(r.json) ? r.json.find((m) => m.id === i) : r.json;
      if (r.status !== 200 || !msg?.result || msg.result.isError || msg.result.content[0].text !== text)
        failures.push(`client ${client} call ${i}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
      answered += 1;
    };
    // Each client calls until the reloads are over, and at least 10 times.
    const clients = Array.from({ length: 100 }, async (_, client) => {
      for (let i = 1; running || i <= 10; i += 1) await callOnce(client, i);
    });

    const toolSets = new Set();
    for (let n = 0; n < 20; n += 1) {
      cfg.write(n % 2 === 0 ? PLUGINS_B : PLUGINS_A);
      host.child.kill('SIGHUP');
      await sleep(60);
      toolSets.add((await toolNames(url)).join(','));
    }
    running = false;
    await Promise.all(clients);

    assert.deepEqual(failures, [], `failed requests:\n${failures.slice(0, 10).join('\n')}`);
    assert.ok(answered >= 1000, `answered ${answered} calls`);
    // Both configs were live at some point, and the last one (A) is what serves now.
    assert.ok(toolSets.size >= 2, `tool sets seen: ${[...toolSets].join(' | ')}`);
    await eventually(() => !host.stderr.includes('reload refused'), 'no refused reload');
    const final = await toolNames(url);
    assert.ok(final.includes('misbehaving__hang') && !final.includes('cpp_helper__add'), final.join(','));
    assert.equal(host.child.exitCode, null, 'the host is still running');
  });

  test('a broken config on reload is refused and the service stays as it was', async () => {
    const cfg = new ConfigFile();
    cfg.write(PLUGINS_B);
    const host = await HttpHost.start(cfg.path);
    hosts.push(host);
    const before = await toolNames(host.url);
    const sid = await legacySession(host.url);

    fs.writeFileSync(cfg.path, 'server: [unclosed\nplugins:\n  - {path: 1\n');
    host.child.kill('SIGHUP');
    await eventually(() => host.stderr.includes('reload refused'), 'the YAML error logged');
    cfg.write(`${PLUGINS_B}  - path: ${q(path.join(tempDir(), 'libmissing.so'))}\n`);
    const refused = host.stderr.split('reload refused').length;
    host.child.kill('SIGHUP');
    await eventually(() => host.stderr.split('reload refused').length > refused, 'the missing plugin logged');
    assert.match(host.stderr, /libmissing\.so/);

    assert.deepEqual(await toolNames(host.url), before);
    const r = await post(
      host.url,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'mb__log', arguments: {} } },
      { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' },
    );
    assert.equal(r.status, 200);
    const msg = Array.isArray(r.json) ? r.json.find((m) => m.id === 7) : r.json;
    assert.equal(msg.result.content[0].text, 'logged');
  });

  test('server.watch_config reloads a changed file by itself and tells legacy sessions', async () => {
    const cfg = new ConfigFile({ watch_config: true });
    cfg.write(PLUGINS_A);
    const host = await HttpHost.start(cfg.path);
    hosts.push(host);
    const sid = await legacySession(host.url);
    // The session's GET stream hears notifications/tools/list_changed.
    const controller = new AbortController();
    const events = [];
    const stream = fetch(host.url, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' },
      signal: controller.signal,
    }).then(async (res) => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body) events.push(decoder.decode(chunk));
    }).catch(() => {});
    await sleep(200);
    assert.ok(!(await toolNames(host.url)).includes('cpp_helper__add'));
    await sleep(1100);  // a new modification time, whatever the file system's resolution
    cfg.write(PLUGINS_B);
    await eventually(() => events.join('').includes('notifications/tools/list_changed'), 'list_changed on the GET stream');
    assert.ok((await toolNames(host.url)).includes('cpp_helper__add'));
    controller.abort();
    await stream;
  });
});
