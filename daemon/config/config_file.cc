#include "config/config_file.h"

#include <filesystem>

#include "common/file_util.h"

namespace handover::config {

absl::StatusOr<std::string> ReadConfigFile(const std::string& path) {
  return ReadFileBounded(path, kMaxConfigFileBytes);
}

std::string ConfigBaseDir(const std::string& config_path) {
  std::filesystem::path parent =
      std::filesystem::path(config_path).parent_path();
  return parent.empty() ? "." : parent.string();
}

std::string ResolveConfigPath(const std::string& base_dir,
                              const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace handover::config
