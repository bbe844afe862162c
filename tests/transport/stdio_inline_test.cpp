// stdio_inline_test.cpp - the stdio reader runs plugin calls itself
// (protocol/inline_step.h): a call that runs long, hangs, misses its
// deadline or is cancelled must not stop the reading, the deadline must
// still be kept, and pipelined requests must each be answered once.
// Driven over real pipes with the echo and misbehaving fixtures.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../protocol/host_harness.h"
#include "transport/stdio_transport.h"

using namespace mcph_test;  // NOLINT: the harness is this file's vocabulary

namespace {

// A HostRuntime served by a StdioTransport over two pipes, with a thread
// collecting every output line.
class PipeHost {
 public:
  explicit PipeHost(const std::function<void(HostConfig&)>& tweak = nullptr) : host_(100, true, tweak) {
    REQUIRE(::pipe2(in_, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(out_, O_CLOEXEC) == 0);
    transport_ = std::make_unique<mcph::StdioTransport>(host_.rt->dispatcher(), in_[0], out_[1], 1 << 20);
    serving_ = std::thread([this] { transport_->Run(); });
    collecting_ = std::thread([this] { Collect(); });
  }
  ~PipeHost() {
    CloseInput();
    transport_.reset();  // waits for its threads
    ::close(out_[1]);
    collecting_.join();
    ::close(in_[0]);
    ::close(out_[0]);
  }

  void Write(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(in_[1], text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      REQUIRE(n > 0);
      done += static_cast<size_t>(n);
    }
  }
  void CloseInput() {
    if (in_[1] < 0) return;
    ::close(in_[1]);
    in_[1] = -1;
    serving_.join();
  }

  // Waits (bounded) for the line answering `id_json`; its position in the output.
  size_t Await(const std::string& id_json) {
    std::unique_lock lock(mu_);
    size_t at = 0;
    bool found = cv_.wait_for(lock, std::chrono::seconds(10), [&] {
      for (at = 0; at < lines_.size(); ++at)
        if (IdOf(lines_[at]) == id_json) return true;
      return false;
    });
    INFO("waiting for the answer to id " << id_json);
    REQUIRE(found);
    return at;
  }
  std::string Line(size_t at) {
    std::lock_guard lock(mu_);
    return lines_.at(at);
  }
  int CountWithId(const std::string& id_json) {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& l : lines_) n += IdOf(l) == id_json;
    return n;
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }
  void Initialize() {
    Write(Legacy("\"init\"", "initialize",
                 R"("protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"})") +
          "\n" + R"({"jsonrpc":"2.0","method":"notifications/initialized"})" + "\n");
    Await("\"init\"");
  }
  mcph::StdioTransport& transport() { return *transport_; }
  Host& host() { return host_; }

 private:
  void Collect() {
    std::string pending;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(out_[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      pending.append(buf, static_cast<size_t>(n));
      std::lock_guard lock(mu_);
      for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1))
        lines_.push_back(pending.substr(0, nl));
      cv_.notify_all();
    }
  }

  Host host_;
  int in_[2] = {-1, -1};
  int out_[2] = {-1, -1};
  std::unique_ptr<mcph::StdioTransport> transport_;
  std::thread serving_, collecting_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

std::string Call(const std::string& id, const std::string& tool, const std::string& args = "{}") {
  return Legacy(id, "tools/call", R"("name":")" + tool + R"(","arguments":)" + args) + "\n";
}

std::string Ping(const std::string& id) { return R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"ping"})" + "\n"; }

std::string ResultText(const std::string& line) {
  auto d = Parse(line);
  INFO(line);
  REQUIRE(d.HasMember("result"));
  return d["result"]["content"][0]["text"].GetString();
}

bool IsToolError(const std::string& line) {
  auto d = Parse(line);
  return d.HasMember("result") && d["result"].HasMember("isError") && d["result"]["isError"].GetBool();
}

}  // namespace

TEST_CASE("stdio: a call that runs long on the reader does not stop the reading", "[transport][stdio_inline]") {
  PipeHost p;
  p.Initialize();
  // One write: the ping waits in the reader's buffer behind the long call.
  p.Write(Call("2", "hang", R"({"ms":1500})") + Ping("3"));
  size_t ping = p.Await("3");
  size_t hang = p.Await("2");
  CHECK(ping < hang);  // the ping was answered while the call still ran
  CHECK(ResultText(p.Line(hang)) == "slept 1500 ms");
  // And the reading goes on as before.
  p.Write(Call("4", "echo", R"({"text":"after"})"));
  CHECK(ResultText(p.Line(p.Await("4"))) == "after");
  CHECK(p.CountWithId("2") == 1);
}

TEST_CASE("stdio: the deadline of a call run on the reader is kept", "[transport][stdio_inline]") {
  PipeHost p([](HostConfig& cfg) { cfg.plugins[1].timeout_ms = 150; });
  p.Initialize();
  p.Write(Call("2", "hang", R"({"ms":1000})"));
  std::string reply = p.Line(p.Await("2"));
  INFO(reply);
  CHECK(IsToolError(reply));
  CHECK_THAT(ResultText(reply), Catch::Contains("no answer within 150 ms"));
  // The host answers others while the handler still sleeps, and drops its
  // late result when it returns.
  p.Write(Call("3", "echo", R"({"text":"meanwhile"})"));
  CHECK(ResultText(p.Line(p.Await("3"))) == "meanwhile");
  p.CloseInput();
  CHECK(p.transport().Stop(10000));  // the sleeper returned; every thread ended
  CHECK(p.CountWithId("2") == 1);
}

TEST_CASE("stdio: a call run on the reader can be cancelled", "[transport][stdio_inline]") {
  PipeHost p;
  p.Initialize();
  p.Write(Call("2", "slow"));
  p.Write(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}})"
          "\n" +
          Ping("3"));
  p.Await("3");
  p.CloseInput();
  // slow runs until cancelled: its thread ends only because the cancel was read.
  CHECK(p.transport().Stop(10000));
  CHECK(p.CountWithId("2") == 0);  // a cancelled request gets no answer
}

TEST_CASE("stdio: Stop reports a call that still runs after end of input", "[transport][stdio_inline]") {
  PipeHost p([](HostConfig& cfg) { cfg.plugins[1].timeout_ms = 100; });
  p.Initialize();
  p.Write(Call("2", "hang", R"({"ms":1500})"));
  CHECK(IsToolError(p.Line(p.Await("2"))));
  p.CloseInput();  // Run returns: another thread read the end of input
  CHECK_FALSE(p.transport().Stop(50));
  CHECK(p.transport().Stop(10000));
}

TEST_CASE("stdio: pipelined requests are each answered once, in batches of any size", "[transport][stdio_inline]") {
  PipeHost p;
  p.Initialize();
  // 200 requests in one write (under max_in_flight 256), ~2 KB answers: several batches.
  const std::string text(2000, 'x');
  std::string input;
  for (int i = 0; i < 200; ++i)
    input += i % 4 == 3 ? Ping(std::to_string(100 + i)) : Call(std::to_string(100 + i), "echo", "{\"text\":\"" + text + "\"}");
  p.Write(input);
  for (int i = 0; i < 200; ++i) p.Await(std::to_string(100 + i));
  p.CloseInput();
  CHECK(p.transport().Stop(10000));
  std::vector<std::string> lines = p.Lines();
  CHECK(lines.size() == 201);  // the initialize answer and one per request
  for (int i = 0; i < 200; ++i) {
    INFO("id " << 100 + i);
    CHECK(p.CountWithId(std::to_string(100 + i)) == 1);
    if (i % 4 != 3) CHECK(ResultText(p.Line(p.Await(std::to_string(100 + i)))) == text);
  }
}
