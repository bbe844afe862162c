// plugin.cpp - libmcphost_conformance.so: the fixtures the official MCP
// conformance suites expect of a server (see ../README.md). Served
// unprefixed by config/conformance.yaml. Not for production use: its tools
// exist to be probed.
#include "fixtures.hpp"

namespace conformance {
namespace {

class ConformancePlugin : public mcpp::Plugin {
 public:
  explicit ConformancePlugin(const mcpp::InitParams& params) {
    // Decode the media constants now, on [main], so a bad constant fails
    // create() loudly instead of every call that uses it.
    (void)PngBytes();
    (void)WavBytes();
    if (!params.alias().empty())
      params.host().log(MCPP_LOG_WARNING,
                        "conformance: served with an alias prefix; the conformance suites expect "
                        "unprefixed names (alias: \"\")");
  }

  void register_capabilities(mcpp::Registrar& reg) override {
    // Order matters for tools/list: test_simple_text first (see fixtures.hpp).
    RegisterTools(reg);
    RegisterDiagnosticTools(reg, host());
    RegisterSubscriptionTools(reg, host());
    RegisterResources(reg);
    RegisterPrompts(reg);
    RegisterInputRequiredFixtures(reg);  // the prompt last in prompts/list
    RegisterTaskFixtures(reg);           // tools last in tools/list
    reg.set_instructions(
        "Conformance fixtures for the MCP conformance suites. Every tool, resource and prompt "
        "returns fixed test data.");
  }
};

}  // namespace
}  // namespace conformance

MCPP_DEFINE_PLUGIN(conformance::ConformancePlugin, "dev.mcphost.conformance", "conformance", "0.1.0",
                   "The fixtures of the official MCP conformance suites (0.1.16 and 0.2.0-alpha.12).")
