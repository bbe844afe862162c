// server.mjs - the benchmark's peer: an MCP server written with the official
// TypeScript SDK (@modelcontextprotocol/sdk 1.x, McpServer), serving the same
// catalog as bench/config/mcphost.yaml so bench/run.py can compare the two
// on identical work:
//
//   echo {text} -> text     the tool of the tools/call workload
//   t000__echo..t199__echo  200 more tools (tools/list returns 201)
//   test://static-text      resource (resources/read)
//   test_simple_prompt      prompt (prompts/get)
//
//   node server.mjs                        stdio
//   node server.mjs --http PORT            Streamable HTTP, stateful sessions
//   node server.mjs --http PORT --stateless  Streamable HTTP, no sessions
//
// HTTP follows the SDK's own examples on plain node:http: stateful mode
// keeps one McpServer + StreamableHTTPServerTransport per session (created
// at initialize); stateless mode needs a fresh transport per request (the
// SDK refuses to reuse one), so it takes an McpServer from a pool and
// connects it to that transport - cheaper than the documented new server
// per request, so the peer is shown at its best. Both answer with JSON
// (enableJsonResponse), not SSE: again the cheaper option. SDK 1.x does not
// speak 2026-07-28, so its stateless mode (2025-11-25 without initialize)
// stands in for mcp-host's modern era. On start it prints
// "listening on http://127.0.0.1:PORT/mcp" to stderr.
import { randomUUID } from 'node:crypto';
import http from 'node:http';

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const ECHO = {
  title: 'Echo',
  description: 'Returns the given text unchanged, as the result\'s only text content.',
  inputSchema: { text: z.string().describe('The text to echo back') },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
};
const echo = async ({ text }) => ({ content: [{ type: 'text', text }] });

function makeServer() {
  const server = new McpServer({ name: 'sdk-peer', version: '1.0.0' });
  server.registerTool('echo', ECHO, echo);
  for (let i = 0; i < 200; i++) server.registerTool(`t${String(i).padStart(3, '0')}__echo`, ECHO, echo);
  server.registerResource(
    'static-text',
    'test://static-text',
    { description: 'A static text resource', mimeType: 'text/plain' },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
    }),
  );
  server.registerPrompt('test_simple_prompt', { description: 'A simple prompt without arguments' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
  }));
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function fail(res, status, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function serveHttp(port, stateless) {
  const sessions = new Map(); // Mcp-Session-Id -> transport (stateful)
  const pool = []; // idle McpServers (stateless)

  async function stateful(req, res, body) {
    const sid = req.headers['mcp-session-id'];
    let transport = sid ? sessions.get(sid) : undefined;
    if (!transport) {
      if (sid || req.method !== 'POST' || !isInitializeRequest(body)) return fail(res, 400, 'No valid session');
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: true,
        onsessioninitialized: (id) => sessions.set(id, transport),
      });
      transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
      await makeServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  }

  async function statelessRequest(req, res, body) {
    const server = pool.pop() ?? makeServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      transport.close().then(() => pool.push(server));
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const httpServer = http.createServer(async (req, res) => {
    try {
      const text = req.method === 'POST' ? await readBody(req) : '';
      const body = text ? JSON.parse(text) : undefined;
      await (stateless ? statelessRequest : stateful)(req, res, body);
    } catch (e) {
      if (!res.headersSent) fail(res, 500, String(e));
    }
  });
  httpServer.keepAliveTimeout = 60_000;
  httpServer.listen(port, '127.0.0.1', () => {
    process.stderr.write(`sdk-peer: listening on http://127.0.0.1:${httpServer.address().port}/mcp\n`);
  });
  const stop = () => httpServer.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

const args = process.argv.slice(2);
const at = args.indexOf('--http');
if (at >= 0) {
  serveHttp(Number(args[at + 1] ?? 0), args.includes('--stateless'));
} else {
  // The SDK's stdio transport adds a 'drain' listener per write that meets
  // a full pipe; 16 big tools/list answers in flight pass Node's warning
  // threshold of 10 (a harmless warning on stderr, silenced here).
  process.stdout.setMaxListeners(0);
  await makeServer().connect(new StdioServerTransport());
}
