// hello.cpp - the same plugin as examples/c, written with the C++ helper
// (mcphost/mcp_plugin.hpp): a class, a lambda per tool, exceptions for errors.
#include <mcphost/mcp_plugin.hpp>
#include <string>

class Hello : public mcpp::Plugin {
 public:
  explicit Hello(const mcpp::InitParams&) {}
  void register_capabilities(mcpp::Registrar& reg) override {
    reg.add_tool("hello", "Says hello and shows its arguments",
                 R"({"type":"object","properties":{"name":{"type":"string"}}})",
                 [](mcpp::Call&, std::string_view args, mcpp::Result& result) {
                   // Runs on worker threads, maybe concurrently: no shared state.
                   result.add_text("Hello from C++! arguments: " + std::string(args));
                 });
  }
};

MCPP_DEFINE_PLUGIN(Hello, "com.example.hello_cpp", "hello_cpp", "1.0.0", "Says hello (C++ example)")
