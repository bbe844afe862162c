"""A minimal MCP client over stdio for the analytics tests: starts mcp-host
with a generated config that enables the analytics plugin, and offers
call_tool / read_resource / get_prompt."""
import json
import os
import subprocess
import tempfile


class McpError(Exception):
    pass


class Host:
    def __init__(self, host_bin, plugin_dir, roots, extra_config=None, workdir=None):
        self.workdir = workdir or tempfile.mkdtemp(prefix="analytics-host-")
        cfg = {
            "server": {"name": "analytics-test", "transport": "stdio", "log_level": "warn"},
            "plugin_dirs": [plugin_dir],
            "plugins": [{"name": "analytics", "alias": "", "config": dict({"roots": roots}, **(extra_config or {}))}],
        }
        # JSON is YAML.
        self.config_path = os.path.join(self.workdir, "mcphost.yaml")
        with open(self.config_path, "w") as f:
            json.dump(cfg, f)
        self.stderr = open(os.path.join(self.workdir, "host.stderr"), "w+")
        self.proc = subprocess.Popen([host_bin, "--config", self.config_path, "--strict"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, bufsize=1)
        self.next_id = 0
        self.notifications = []
        init = self.request("initialize", {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "analytics-tests", "version": "1"}})
        self.server_info = init
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, msg):
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()

    def request(self, method, params=None):
        self.next_id += 1
        rid = self.next_id
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.stderr.seek(0)
                raise McpError("mcp-host exited; stderr:\n" + self.stderr.read())
            reply = json.loads(line)
            if reply.get("id") != rid:
                self.notifications.append(reply)
                continue
            if "error" in reply:
                raise McpError(json.dumps(reply["error"]))
            return reply["result"]

    def call_tool(self, name, arguments, progress_token=None):
        params = {"name": name, "arguments": arguments}
        if progress_token is not None:
            params["_meta"] = {"progressToken": progress_token}
        return self.request("tools/call", params)

    def structured(self, name, arguments):
        res = self.call_tool(name, arguments)
        if res.get("isError"):
            raise McpError(name + " failed: " + json.dumps(res["content"]))
        return res["structuredContent"]

    def read_resource(self, uri):
        return self.request("resources/read", {"uri": uri})

    def get_prompt(self, name, arguments):
        return self.request("prompts/get", {"name": name, "arguments": arguments})

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
        self.stderr.close()
