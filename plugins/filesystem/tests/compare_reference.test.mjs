// compare_reference.test.mjs - runs the same tool calls against the
// filesystem plugin (through a real mcp-host over stdio) and against the
// reference server (@modelcontextprotocol/server-filesystem 2026.8.31) on
// identical, freshly built trees, and compares the answers text for text.
// Known, deliberate differences are listed per step (`differs`) and then only
// isError is compared. Run through ctest (it sets MCPHOST_BIN and
// MCPHOST_PLUGIN_DIR); needs `npm ci` in this folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const HOST_BIN = process.env.MCPHOST_BIN;
const PLUGIN_DIR = process.env.MCPHOST_PLUGIN_DIR;
const REF = path.join(here, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

if (!HOST_BIN || !PLUGIN_DIR) throw new Error('MCPHOST_BIN / MCPHOST_PLUGIN_DIR not set: run through ctest');
if (!fs.existsSync(REF)) throw new Error(`${REF} is missing: run (cd plugins/filesystem/tests && npm ci)`);

// ---- A tiny JSON-RPC client over stdio ------------------------------------
class Server {
  constructor(cmd, args) {
    this.proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
    this.pending = new Map();
    this.nextId = 1;
    this.buf = '';
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.proc.stdout.on('data', (d) => {
      this.buf += d;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (!line.trim()) continue;
        const msg = JSON.parse(line);
        if (msg.id !== undefined && this.pending.has(msg.id)) {
          this.pending.get(msg.id)(msg);
          this.pending.delete(msg.id);
        }
      }
    });
  }
  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout on ${method}; stderr: ${this.stderr}`)), 20000);
      this.pending.set(id, (m) => { clearTimeout(timer); resolve(m); });
      this.proc.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }
  notify(method, params) {
    this.proc.stdin.write(JSON.stringify({ jsonrpc: '2.0', method, params }) + '\n');
  }
  async init() {
    const r = await this.request('initialize', {
      protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fs-compare', version: '1' },
    });
    this.notify('notifications/initialized', {});
    return r;
  }
  async call(name, args) {
    const r = await this.request('tools/call', { name, arguments: args });
    if (r.error) return { error: r.error };
    return r.result;
  }
  close() { this.proc.stdin.end(); this.proc.kill(); }
}

// ---- The fixture tree -------------------------------------------------------
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fs-compare-')));
process.on('exit', () => fs.rmSync(base, { recursive: true, force: true }));
const ROOT = path.join(base, 'root');
const OUT = path.join(base, 'outside');
const EVIL = path.join(base, 'root-evil');

function makeTree() {
  fs.rmSync(ROOT, { recursive: true, force: true });
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.rmSync(EVIL, { recursive: true, force: true });
  const w = (p, c) => { fs.mkdirSync(path.dirname(path.join(ROOT, p)), { recursive: true }); fs.writeFileSync(path.join(ROOT, p), c); };
  w('a.txt', 'line1\nline2\nline3\n');
  w('noeol.txt', 'one\ntwo\nthree');
  w('crlf.txt', 'alpha\r\nbeta\r\ngamma\r\n');
  w('empty.txt', '');
  w('bad-utf8.txt', Buffer.from([0x61, 0xff, 0x62, 0xe2, 0x82, 0x0a, 0xf0, 0x9f, 0x98, 0x80, 0x0a]));
  w('code.py', 'def f(x):\n    if x:\n        return 1\n    return 2\n\nprint(f(3))\n');
  w('Upper.md', '# Title\n');
  w('_under.txt', 'u');
  w('-dash.txt', 'd');
  w('ä-umlaut.txt', 'umlaut');
  w('size1152.bin', Buffer.alloc(1152, 1));
  w('size1536.bin', Buffer.alloc(1536, 2));
  w('img.png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  w('sound.wav', Buffer.from('RIFF0000WAVEfmt '));
  w('blob.dat', Buffer.from([0, 1, 2, 3, 255]));
  w('info.txt', 'info\n');
  w('sub/b.md', 'bee\n');
  w('sub/deep/c.txt', 'sea\n');
  w('sub/deep/d.log', 'log\n');
  w('node_modules/pkg/index.js', 'module.exports = 1;\n');
  w('.hidden/h.txt', 'hidden\n');
  w('with space.txt', 'spaced\n');
  w('fence.md', 'has ``` fence\n');
  fs.mkdirSync(path.join(ROOT, 'emptydir'));
  fs.mkdirSync(OUT);
  fs.writeFileSync(path.join(OUT, 'secret.txt'), 'TOP SECRET\n');
  fs.mkdirSync(EVIL);
  fs.writeFileSync(path.join(EVIL, 'secret.txt'), 'EVIL SECRET\n');
  fs.symlinkSync(path.join(OUT, 'secret.txt'), path.join(ROOT, 'link-out'));
  fs.symlinkSync(OUT, path.join(ROOT, 'dirlink-out'));
  fs.symlinkSync('a.txt', path.join(ROOT, 'link-in'));
  fs.symlinkSync('sub', path.join(ROOT, 'dirlink-in'));
  const t = new Date('2024-03-04T05:06:07Z');
  fs.utimesSync(path.join(ROOT, 'info.txt'), new Date('2024-05-06T07:08:09Z'), t);
}

// ---- The steps ----------------------------------------------------------------
// [tool, args, options]; options.differs explains a deliberate difference.
const R = (p) => path.join(ROOT, p);
const steps = [
  ['get_file_info', { path: R('info.txt') }, { mask: /^created: .*$/m }],
  ['list_allowed_directories', {}],
  ['list_directory', { path: ROOT }],
  ['list_directory', { path: 'sub' }],
  ['list_directory', { path: R('emptydir') }],
  ['list_directory_with_sizes', { path: ROOT },
    { differs: 'symlinks to outside the roots show 0 B: the plugin does not stat them (the reference leaks their size)' }],
  ['list_directory_with_sizes', { path: ROOT, sortBy: 'size' }, { differs: 'as above' }],
  ['list_directory_with_sizes', { path: R('sub') }],
  ['directory_tree', { path: ROOT }],
  ['directory_tree', { path: ROOT, excludePatterns: ['node_modules', '.hidden'] }],
  ['directory_tree', { path: ROOT, excludePatterns: ['*.txt', '**/*.log'] }],
  ['directory_tree', { path: R('sub'), excludePatterns: ['deep'] }],
  ['directory_tree', { path: R('emptydir') }],
  ['search_files', { path: ROOT, pattern: '*.txt' }],
  ['search_files', { path: ROOT, pattern: '**/*.txt' }],
  ['search_files', { path: ROOT, pattern: '**/*.txt', excludePatterns: ['node_modules/**', '**/deep/**', '.hidden'] }],
  ['search_files', { path: ROOT, pattern: '**/{b,c}.*' }],
  ['search_files', { path: ROOT, pattern: 'sub/**' }],
  ['search_files', { path: ROOT, pattern: '**/nothing-here' }],
  ['search_files', { path: ROOT, pattern: '**/[a-c].*' }],
  ['read_text_file', { path: R('a.txt') }],
  ['read_text_file', { path: 'a.txt', head: 2 }],
  ['read_text_file', { path: 'a.txt', tail: 2 }],
  ['read_text_file', { path: 'a.txt', tail: 1 }],
  ['read_text_file', { path: 'noeol.txt', tail: 2 }],
  ['read_text_file', { path: 'noeol.txt', head: 10 }],
  ['read_text_file', { path: 'crlf.txt', tail: 2 }],
  ['read_text_file', { path: 'crlf.txt', head: 2 }],
  ['read_text_file', { path: 'crlf.txt' }],
  ['read_text_file', { path: 'empty.txt' }],
  ['read_text_file', { path: 'bad-utf8.txt' }],
  ['read_text_file', { path: 'a.txt', head: 1, tail: 1 }],
  ['read_text_file', { path: 'link-in' }],
  ['read_file', { path: 'with space.txt' }],
  ['read_text_file', { path: R('missing.txt') }],
  ['read_text_file', { path: '/etc/passwd' }],
  ['read_text_file', { path: '../outside/secret.txt' }],
  ['read_text_file', { path: path.join(EVIL, 'secret.txt') }],
  ['read_text_file', { path: 'link-out' }],
  ['read_text_file', { path: 'dirlink-out/secret.txt' },
    { differs: 'the plugin names the escaping symlink target; it never stats outside paths to print their realpath' }],
  ['read_text_file', { path: 'dirlink-in/b.md' }],
  ['read_text_file', { path: R('sub') }, { differs: 'the plugin names the path in EISDIR errors' }],
  ['read_multiple_files', { paths: [R('a.txt'), 'sub/b.md', R('missing.txt'), '/etc/passwd'] }],
  ['read_media_file', { path: 'img.png' }],
  ['read_media_file', { path: 'sound.wav' }],
  ['read_media_file', { path: 'blob.dat' }],
  ['list_directory', { path: 'dirlink-out' }],
  ['list_directory', { path: 'dirlink-in' }],
  ['get_file_info', { path: 'link-out' }],
  ['write_file', { path: R('new.txt'), content: 'fresh\n' }],
  ['read_text_file', { path: 'new.txt' }],
  ['write_file', { path: 'a.txt', content: 'over\nwritten\n' }],
  ['read_text_file', { path: 'a.txt' }],
  ['write_file', { path: 'link-out', content: 'pwned' }],
  ['write_file', { path: '../outside/new.txt', content: 'pwned' }],
  ['write_file', { path: 'nodir/x/y.txt', content: 'x' }],
  ['edit_file', { path: 'code.py', edits: [{ oldText: '        return 1', newText: '        return 10' }], dryRun: true }],
  ['read_text_file', { path: 'code.py' }],
  ['edit_file', { path: 'code.py', edits: [{ oldText: 'if x:\n  return 1', newText: 'if x:\n    return 100\n    # done' }] }],
  ['read_text_file', { path: 'code.py' }],
  ['edit_file', { path: 'code.py', edits: [{ oldText: 'print(f(3))', newText: 'print(f(4))' }, { oldText: 'def f(x):', newText: 'def f(x, y=0):' }] }],
  ['edit_file', { path: 'code.py', edits: [{ oldText: 'not there', newText: 'x' }] }],
  ['edit_file', { path: 'fence.md', edits: [{ oldText: 'has', newText: 'had' }], dryRun: true }],
  ['edit_file', { path: 'noeol.txt', edits: [{ oldText: 'three', newText: 'three\nfour' }] }],
  ['read_text_file', { path: 'noeol.txt' }],
  ['create_directory', { path: 'made/deep/er' }],
  ['create_directory', { path: 'made' }],
  ['list_directory', { path: 'made/deep' }],
  ['create_directory', { path: 'dirlink-out/mk' }],
  ['create_directory', { path: 'a.txt' }],
  ['move_file', { source: 'new.txt', destination: 'made/moved.txt' }],
  ['move_file', { source: 'info.txt', destination: 'sub/b.md' }],
  ['move_file', { source: 'sub/b.md', destination: '../outside/b.md' }],
  ['move_file', { source: 'nonexistent.txt', destination: 'x.txt' }],
  ['list_directory', { path: 'made' }],
  ['search_files', { path: ROOT, pattern: '**/*' , excludePatterns: ['node_modules'] }],
];

async function runAll(server) {
  const out = [];
  for (const [tool, args] of steps) out.push(await server.call(tool, args));
  return out;
}

// JSON with sorted keys, so block field order does not matter.
function stable(v) {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function textOf(result) {
  if (!result || result.error) return JSON.stringify(result);
  return result.content.map((c) => (c.type === 'text' ? c.text : stable(c))).join('\n<block>\n');
}

test('answers match the reference server', async () => {
  makeTree();
  const ref = new Server(process.execPath, [REF, ROOT]);
  await ref.init();
  const expected = await runAll(ref);
  ref.close();
  const refOutside = fs.readFileSync(path.join(OUT, 'secret.txt'), 'utf8');

  makeTree();
  const cfgDir = fs.mkdtempSync(path.join(base, 'cfg-'));
  const cfg = path.join(cfgDir, 'mcphost.yaml');
  fs.writeFileSync(cfg, `plugins:\n  - path: ${path.join(PLUGIN_DIR, 'libmcphost_filesystem.so')}\n    alias: ""\n    config:\n      roots: [${JSON.stringify(ROOT)}]\n`);
  const ours = new Server(HOST_BIN, ['--config', cfg]);
  await ours.init();
  const actual = await runAll(ours);
  ours.close();

  assert.equal(fs.readFileSync(path.join(OUT, 'secret.txt'), 'utf8'), refOutside);
  assert.deepEqual(fs.readdirSync(OUT).sort(), ['secret.txt']);

  const failures = [];
  steps.forEach(([tool, args, opts = {}], i) => {
    const e = expected[i], a = actual[i];
    const label = `#${i} ${tool} ${JSON.stringify(args)}`;
    if (!!e?.isError !== !!a?.isError) {
      failures.push(`${label}: isError ${!!e?.isError} (reference) vs ${!!a?.isError} (plugin)\n  ref: ${textOf(e)}\n  ours: ${textOf(a)}`);
      return;
    }
    if (opts.differs) return;
    let et = textOf(e), at = textOf(a);
    if (opts.mask) { et = et.replace(opts.mask, '<masked>'); at = at.replace(opts.mask, '<masked>'); }
    if (et !== at) failures.push(`${label}:\n  ref:  ${JSON.stringify(et)}\n  ours: ${JSON.stringify(at)}`);
  });
  assert.equal(failures.length, 0, `${failures.length} of ${steps.length} answers differ:\n${failures.join('\n')}`);
});
