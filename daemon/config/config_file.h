// Reading config files and resolving the paths inside them. Stateless;
// thread-safe.
#ifndef HANDOVER_CONFIG_CONFIG_FILE_H_
#define HANDOVER_CONFIG_CONFIG_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace handover::config {

// A config file is a few kilobytes; anything over 1 MiB is a mistake.
inline constexpr uint64_t kMaxConfigFileBytes = 1 << 20;

// Reads the whole file: NotFound if it is missing, ResourceExhausted if it
// is over kMaxConfigFileBytes.
absl::StatusOr<std::string> ReadConfigFile(const std::string& path);

// The directory relative paths in the config at `config_path` are resolved
// against: the file's own directory ("." for a bare file name).
std::string ConfigBaseDir(const std::string& config_path);

// `path` if absolute (or empty), else `base_dir`/`path`.
std::string ResolveConfigPath(const std::string& base_dir,
                              const std::string& path);

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_CONFIG_FILE_H_
