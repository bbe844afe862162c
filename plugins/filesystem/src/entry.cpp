// entry.cpp - the exported entry point of libmcphost_filesystem.so.
#include "plugin.hpp"

MCPP_DEFINE_PLUGIN(fsplug::FilesystemPlugin, "dev.mcphost.filesystem", "filesystem", "0.1.0",
                   "Files under operator-chosen directories: the reference filesystem server's "
                   "tools, confined and atomic.")
