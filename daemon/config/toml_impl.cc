// The one translation unit that compiles toml++'s implementation, so every
// other file includes only its declarations (TOML_HEADER_ONLY=0) and the
// parser is built, and fuzzed, with Handover's own flags and sanitizers.
#define TOML_IMPLEMENTATION
#include "config/toml_fixed.h"
