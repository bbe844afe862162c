// loadgen.cpp - mcphost_loadgen, the raw JSON-RPC load generator of the
// benchmark against the reference TypeScript SDK (issue 9; bench/run.py
// drives it). A native generator, because a Node client saturates long
// before the servers do on a 2-core machine.
//
//   mcphost_loadgen stdio [common] [--inflight 1,16] -- SERVER ARGS...
//   mcphost_loadgen http  [common] --url http://127.0.0.1:PORT/mcp --pid PID
//                         [--sessions 1,16,100] [--era legacy|modern|stateless]
//   common: [--method tools/call] [--params '{"name":"echo","arguments":{"text":"hello"}}']
//           [--seconds 3] [--warmup 1] [-n MAX_REQUESTS] [--label NAME]
//
// Prints one JSON line per phase (per --inflight or --sessions value):
// requests, errors, throughput, p50/p95/p99/max latency, server CPU per
// request and RSS from /proc/<pid>, the generator's own CPU share, and for
// stdio the cold start (spawn to initialize response).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <stdexcept>

#include "common.hpp"

namespace loadgen {
int RunStdio(const Options& o);
int RunHttp(const Options& o);
}  // namespace loadgen

namespace {

std::vector<int> IntList(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    int v = std::stoi(item);
    if (v <= 0) throw std::runtime_error("counts must be positive: " + s);
    out.push_back(v);
  }
  return out;
}

loadgen::Options Parse(int argc, char** argv) {
  if (argc < 2) throw std::runtime_error("usage: mcphost_loadgen stdio|http [options] (see the header of loadgen.cpp)");
  loadgen::Options o;
  o.mode = argv[1];
  if (o.mode != "stdio" && o.mode != "http") throw std::runtime_error("mode must be stdio or http");
  for (int i = 2; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--") {
      for (i++; i < argc; i++) o.argv.push_back(argv[i]);
      break;
    }
    if (i + 1 >= argc) throw std::runtime_error("missing value after " + a);
    std::string v = argv[++i];
    if (a == "--method") o.method = v;
    else if (a == "--params") o.params = v;
    else if (a == "--seconds") o.seconds = std::stod(v);
    else if (a == "--warmup") o.warmup = std::stod(v);
    else if (a == "-n") o.max_requests = std::stoull(v);
    else if (a == "--label") o.label = v;
    else if (a == "--inflight") o.inflight = IntList(v);
    else if (a == "--url") o.url = v;
    else if (a == "--sessions") o.sessions = IntList(v);
    else if (a == "--era") o.era = v;
    else if (a == "--pid") o.pid = std::stoi(v);
    else throw std::runtime_error("unknown option " + a);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    loadgen::Options o = Parse(argc, argv);
    return o.mode == "stdio" ? loadgen::RunStdio(o) : loadgen::RunHttp(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mcphost_loadgen: %s\n", e.what());
    return 2;
  }
}
