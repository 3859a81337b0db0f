// The version of this build, from the CMake project version.
#ifndef HANDOVER_CLIENT_VERSION_STRING_H_
#define HANDOVER_CLIENT_VERSION_STRING_H_

namespace handover::cli {

inline constexpr const char* kVersion = HANDOVER_VERSION;

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_VERSION_STRING_H_
