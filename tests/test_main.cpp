// The one Catch2 main for the unit test binary.
//
// The host's log is quiet here (errors only): the tests provoke hundreds of
// warnings on purpose (refused tools, hung plugins), and in a CI log that
// keeps only the head and tail of a failing test's output they would hide
// the failure itself. MCPHOST_TEST_LOG=<level> (debug, info, ...) shows them.
#define CATCH_CONFIG_RUNNER
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <cstdlib>

int main(int argc, char* argv[]) {
  const char* level = std::getenv("MCPHOST_TEST_LOG");
  spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::err);
  return Catch::Session().run(argc, argv);
}
