// tasks.test.mjs - tool calls running as tasks over stdio (the conformance
// suite reaches HTTP only), in raw JSON-RPC, both eras:
//   modern  2026-07-28 with the io.modelcontextprotocol/tasks extension
//           (SEP-2663): server-directed CreateTaskResult, tasks/get with the
//           inlined result / error / inputRequests, tasks/update resuming a
//           task waiting for input (partial answers too), tasks/cancel, the
//           -32021 gate, sync fallback without the declaration;
//   legacy  2025-11-25 experimental tasks: execution.taskSupport in
//           tools/list, capabilities.tasks, params.task, tasks/get,
//           tasks/result (waits for the end), tasks/list, tasks/cancel and
//           notifications/tasks/status.
// The tools are the conformance fixture plugin's (plugins/conformance).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { META_CAPS, PLUGIN_DIR, RawHost, modernMeta, sleep, tempDir, WAIT_MS } from './helpers.mjs';

const CONFORMANCE_SO = path.join(PLUGIN_DIR, 'libmcphost_conformance.so');
const EXT = 'io.modelcontextprotocol/tasks';
const TERMINAL = ['completed', 'failed', 'cancelled'];

function tasksConfig() {
  const file = path.join(tempDir(), 'tasks.yaml');
  fs.writeFileSync(file, `server:
  log_level: warn
plugins:
  - path: ${JSON.stringify(CONFORMANCE_SO)}
    alias: ""
`);
  return file;
}

// _meta of a modern request; `tasks` declares the extension.
const meta = (tasks = true, caps = {}) =>
  modernMeta({ [META_CAPS]: { ...caps, ...(tasks ? { extensions: { [EXT]: {} } } : {}) } });

let nextId = 1;
const id = () => `t${nextId++}`;

async function modern(host, method, params = {}, tasks = true, caps = {}) {
  return host.request(id(), method, { ...params, _meta: meta(tasks, caps) });
}

// Polls tasks/get until `pred` holds (bounded by WAIT_MS).
async function pollTask(host, taskId, pred, what) {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const r = await modern(host, 'tasks/get', { taskId });
    assert.ok(r.result, `tasks/get failed: ${JSON.stringify(r.error)}`);
    if (pred(r.result)) return r.result;
    if (Date.now() > until) throw new Error(`task ${taskId} never reached ${what}; last: ${JSON.stringify(r.result)}`);
    await sleep(50);
  }
}
const terminal = (host, taskId) => pollTask(host, taskId, (t) => TERMINAL.includes(t.status), 'a terminal status');

describe('modern tasks extension (2026-07-28) over stdio', () => {
  let host;
  before(() => {
    host = new RawHost(tasksConfig());
  });
  after(async () => {
    await host.close();
  });

  it('advertises the extension in server/discover', async () => {
    const r = await modern(host, 'server/discover', {}, false);
    assert.deepEqual(r.result.capabilities.extensions?.[EXT], {});
    assert.equal(r.result.capabilities.tasks, undefined);
  });

  it('runs a task-supporting tool as a task and inlines its result', async () => {
    const r = await modern(host, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0.2, label: 'e2e' } });
    const c = r.result;
    assert.equal(c.resultType, 'task');
    assert.equal(c.task, undefined, 'flat CreateTaskResult, no task wrapper');
    assert.match(c.taskId, /^[0-9a-f-]{36}$/);
    assert.equal(c.status, 'working');
    assert.match(c.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    assert.match(c.lastUpdatedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    assert.ok(Number.isInteger(c.ttlMs) && c.ttlMs > 0);
    assert.ok(Number.isInteger(c.pollIntervalMs) && c.pollIntervalMs > 0);
    assert.equal(c.requestState, undefined);
    // Durable before it was sent: an immediate tasks/get finds it.
    const first = await modern(host, 'tasks/get', { taskId: c.taskId });
    assert.equal(first.result.taskId, c.taskId);
    assert.equal(first.result.resultType, 'complete');
    const done = await terminal(host, c.taskId);
    assert.equal(done.status, 'completed');
    assert.equal(done.result.content[0].text, 'Computed e2e after 0s');
    assert.equal(done.error, undefined);
  });

  it('runs it synchronously when the request did not declare the extension', async () => {
    const r = await modern(host, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0, label: 'sync' } }, false);
    assert.equal(r.result.resultType, 'complete');
    assert.equal(r.result.taskId, undefined);
    assert.equal(r.result.content[0].text, 'Computed sync after 0s');
  });

  it('never makes a sync-only tool a task, and ignores a legacy task param', async () => {
    const r = await modern(host, 'tools/call', { name: 'greet', arguments: { name: 'Ada' }, task: { ttl: 1000 } });
    assert.equal(r.result.resultType, 'complete');
    assert.equal(r.result.content[0].text, 'Hello, Ada!');
  });

  it('refuses a task-only tool without the declaration with -32021', async () => {
    const r = await modern(host, 'tools/call', { name: 'failing_job', arguments: {} }, false);
    assert.equal(r.error.code, -32021);
    assert.deepEqual(r.error.data.requiredCapabilities, { extensions: { [EXT]: {} } });
  });

  it('gates tasks/* on the declaration (-32021) and answers an unknown id with -32602', async () => {
    for (const [method, params] of [['tasks/get', { taskId: 'x' }], ['tasks/cancel', { taskId: 'x' }],
      ['tasks/update', { taskId: 'x', inputResponses: {} }]]) {
      const gated = await modern(host, method, params, false);
      assert.equal(gated.error?.code, -32021, `${method} without the extension`);
      const unknown = await modern(host, method, params, true);
      assert.equal(unknown.error?.code, -32602, `${method} with an unknown taskId`);
    }
    for (const method of ['tasks/result', 'tasks/list']) {
      const r = await modern(host, method, { taskId: 'x' });
      assert.equal(r.error?.code, -32601, `${method} does not exist in 2026-07-28`);
    }
  });

  it('completes a tool error as completed + isError, and a protocol error as failed + error', async () => {
    const tool = await modern(host, 'tools/call', { name: 'failing_job', arguments: {} });
    const done = await terminal(host, tool.result.taskId);
    assert.equal(done.status, 'completed');
    assert.equal(done.result.isError, true);
    const proto = await modern(host, 'tools/call', { name: 'protocol_error_job', arguments: {} });
    const failed = await terminal(host, proto.result.taskId);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error.code, -32603);
    assert.equal(typeof failed.error.message, 'string');
    assert.equal(failed.result, undefined);
  });

  it('cancels a running task cooperatively, with empty acks (terminal too)', async () => {
    const c = await modern(host, 'tools/call', { name: 'slow_compute', arguments: { seconds: 60, label: 'cancel' } });
    const taskId = c.result.taskId;
    await pollTask(host, taskId, (t) => t.status === 'working', 'working');
    const ack = await modern(host, 'tasks/cancel', { taskId });
    assert.equal(ack.result.resultType, 'complete');
    for (const k of ['taskId', 'status', 'result', 'error']) assert.equal(ack.result[k], undefined);
    const done = await terminal(host, taskId);
    assert.equal(done.status, 'cancelled');
    const again = await modern(host, 'tasks/cancel', { taskId });
    assert.equal(again.result.resultType, 'complete');
    // The handler really stopped: the task stays cancelled (not completed later).
    await sleep(200);
    assert.equal((await modern(host, 'tasks/get', { taskId })).result.status, 'cancelled');
  });

  it('waits in input_required and resumes on tasks/update', async () => {
    const c = await modern(host, 'tools/call', { name: 'confirm_delete', arguments: { filename: 'a.txt' } },
      true, { elicitation: {} });
    const taskId = c.result.taskId;
    const waiting = await pollTask(host, taskId, (t) => t.status !== 'working', 'input_required');
    assert.equal(waiting.status, 'input_required');
    assert.equal(waiting.inputRequests.confirm.method, 'elicitation/create');
    const ack = await modern(host, 'tasks/update',
      { taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } });
    assert.equal(ack.result.resultType, 'complete');
    assert.equal(ack.result.status, undefined);
    const done = await terminal(host, taskId);
    assert.equal(done.status, 'completed');
    assert.equal(done.result.content[0].text, 'Deleted a.txt');
  });

  it('keeps only the unanswered keys after a partial tasks/update', async () => {
    const c = await modern(host, 'tools/call', { name: 'multi_input', arguments: {} }, true, { elicitation: {} });
    const taskId = c.result.taskId;
    const waiting = await pollTask(host, taskId, (t) => t.status !== 'working', 'input_required');
    assert.deepEqual(Object.keys(waiting.inputRequests).sort(), ['confirm', 'name']);
    await modern(host, 'tasks/update',
      { taskId, inputResponses: { name: { action: 'accept', content: { name: 'Ada' } }, extra: { x: 1 } } });
    const partial = await modern(host, 'tasks/get', { taskId });
    assert.equal(partial.result.status, 'input_required');
    assert.deepEqual(Object.keys(partial.result.inputRequests), ['confirm']);
    await modern(host, 'tasks/update',
      { taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } });
    const done = await terminal(host, taskId);
    assert.equal(done.result.content[0].text, 'Name: Ada; confirm action: accept');
  });
});

describe('legacy experimental tasks (2025-11-25) over stdio', () => {
  let host;
  before(() => {
    host = new RawHost(tasksConfig());
  });
  after(async () => {
    await host.close();
  });

  it('advertises capabilities.tasks and execution.taskSupport', async () => {
    const init = await host.initialize('2025-11-25', 'legacy-init');
    assert.deepEqual(init.result.capabilities.tasks.requests, { tools: { call: {} } });
    assert.ok(init.result.capabilities.tasks.list && init.result.capabilities.tasks.cancel);
    const list = await host.request(id(), 'tools/list', {});
    const byName = Object.fromEntries(list.result.tools.map((t) => [t.name, t]));
    assert.equal(byName.slow_compute.execution.taskSupport, 'optional');
    assert.equal(byName.failing_job.execution.taskSupport, 'required');
    assert.equal(byName.greet.execution, undefined);
  });

  it('creates a task, reports its status, and tasks/result waits for the result', async () => {
    const c = await host.request(id(), 'tools/call',
      { name: 'slow_compute', arguments: { seconds: 0.3, label: 'legacy' }, task: { ttl: 60000 } });
    const task = c.result.task;
    assert.equal(task.status, 'working');
    assert.equal(task.ttl, 60000);
    assert.ok(Number.isInteger(task.pollInterval));
    const got = await host.request(id(), 'tasks/get', { taskId: task.taskId });
    assert.equal(got.result.taskId, task.taskId);
    assert.equal(got.result.resultType, undefined);
    const res = await host.request(id(), 'tasks/result', { taskId: task.taskId });
    assert.equal(res.result.content[0].text, 'Computed legacy after 0s');
    assert.deepEqual(res.result._meta['io.modelcontextprotocol/related-task'], { taskId: task.taskId });
    const note = await host.waitFor((m) => m.method === 'notifications/tasks/status' &&
      m.params.taskId === task.taskId && m.params.status === 'completed', 'the completed status notification');
    assert.ok(note.params.lastUpdatedAt);
    const list = await host.request(id(), 'tasks/list', {});
    assert.ok(list.result.tasks.some((t) => t.taskId === task.taskId && t.status === 'completed'));
  });

  it('enforces tool-level negotiation with -32601', async () => {
    const forbidden = await host.request(id(), 'tools/call', { name: 'greet', arguments: { name: 'x' }, task: {} });
    assert.equal(forbidden.error.code, -32601);
    const required = await host.request(id(), 'tools/call', { name: 'failing_job', arguments: {} });
    assert.equal(required.error.code, -32601);
  });

  it('cancels a task (the cancelled task back), and refuses to cancel a terminal one', async () => {
    const c = await host.request(id(), 'tools/call',
      { name: 'slow_compute', arguments: { seconds: 60, label: 'x' }, task: {} });
    const taskId = c.result.task.taskId;
    const pending = host.request(id(), 'tasks/result', { taskId });
    const cancel = await host.request(id(), 'tasks/cancel', { taskId });
    assert.equal(cancel.result.status, 'cancelled');
    assert.equal(cancel.result.taskId, taskId);
    const res = await pending;
    assert.ok(res.error, 'a cancelled task has no result');
    const again = await host.request(id(), 'tasks/cancel', { taskId });
    assert.equal(again.error.code, -32602);
  });
});
