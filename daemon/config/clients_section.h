// Internal to daemon/config: the [[clients]] entries of a node config.
#ifndef HANDOVER_CONFIG_CLIENTS_SECTION_H_
#define HANDOVER_CONFIG_CLIENTS_SECTION_H_

#include <vector>

#include "config/node_config.h"
#include "config/toml_reader.h"

namespace handover::config::internal {

inline constexpr size_t kMaxClientNameBytes = 64;

// Reads every [[clients]] entry of `root` into `clients`, checking each on
// its own (name, role, exactly one credential digest) and all together (no
// two entries share a name, a certificate or a token). `has_client_ca`
// says whether [listen] client_ca is set, which certificate clients need.
void ReadClients(TableReader& root, bool has_client_ca,
                 std::vector<ClientEntry>* clients);

}  // namespace handover::config::internal

#endif  // HANDOVER_CONFIG_CLIENTS_SECTION_H_
