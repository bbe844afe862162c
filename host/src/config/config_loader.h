// config_loader.h - reads the host's YAML config into a validated HostConfig.
//
// The only place that reads YAML. Everything is checked up front: unknown
// keys (with a "did you mean" hint), wrong types, out-of-range numbers,
// missing `path:` plugin files and duplicate aliases are refused.
//
// Error rule: nothing throws. yaml-cpp exceptions are caught here and every
// problem comes back as a Status whose message reads
//   FILE:LINE: KEY.PATH: what is wrong (and how to fix it)
// (FILE:LINE:COLUMN for broken YAML syntax). When several keys are wrong,
// each gets its own line in the message.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "config/host_config.h"
#include "util/result.h"

namespace mcph {

// Reads and validates a YAML config file. Relative `plugin_dirs` and `path:`
// entries are resolved against the config file's folder and made absolute.
Result<HostConfig> LoadConfigFile(const std::string& path);

// Same from text. `source_path` names the file in messages and is the base for
// relative paths ("" = the current directory; messages then say "<config>").
Result<HostConfig> ParseConfig(const std::string& yaml_text, const std::string& source_path);

// Converts a YAML node to JSON text, expanding ${ENV_VAR} in string scalars
// (an unset variable is an error naming it; `$${X}` is a literal `${X}`).
// Plain scalars that look like YAML 1.2 core-schema booleans, null, integers
// or floats become JSON true/false/null/numbers (judged on the text as
// written, before expansion); quoted scalars (Tag() == "!") stay strings.
// `key_path` prefixes the key paths in messages (e.g. "plugins[0].config").
Result<std::string> YamlToJson(const YAML::Node& node, const std::string& source_path,
                               const std::string& key_path = "");

}  // namespace mcph
