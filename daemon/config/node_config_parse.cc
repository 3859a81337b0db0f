// Parsing the handover-node config: one reader function per table.
#include "config/clients_section.h"
#include "config/config_internal.h"
#include "config/move_sections.h"
#include "config/node_config.h"
#include "config/shared_sections.h"
#include "config/toml_reader.h"

namespace handover::config {
namespace internal {
namespace {

void ReadNodeTable(TableReader& root, NodeSettings* node) {
  std::optional<TableReader> table = root.Table("node", Need::kRequired);
  if (!table) return;
  ReadAgencyId(*table, "agency_id", Need::kRequired, &node->agency_id);
  table->Path("key_dir", Need::kRequired, &node->key_dir);
  table->PathArray("previous_key_dirs", Need::kOptional,
                   &node->previous_key_dirs);
  table->Path("data_dir", Need::kRequired, &node->data_dir);
  table->Path("trust_root", Need::kRequired, &node->trust_root);
  table->ReportUnknownKeys();
}

void ReadListenTable(TableReader& root, ListenSettings* listen) {
  std::optional<TableReader> table = root.Table("listen", Need::kRequired);
  if (!table) return;
  table->Address("address", Need::kRequired, PortZero::kAllow,
                 &listen->address);
  table->Path("tls_cert", Need::kRequired, &listen->tls_cert);
  table->Path("tls_key", Need::kRequired, &listen->tls_key);
  table->Path("client_ca", Need::kOptional, &listen->client_ca);
  table->ReportUnknownKeys();
}

void ReadRouterLinkTable(TableReader& root, RouterLinkSettings* router) {
  std::optional<TableReader> table = root.Table("router", Need::kRequired);
  if (!table) return;
  table->Address("address", Need::kRequired, PortZero::kRefuse,
                 &router->address);
  ReadAgencyId(*table, "agency_id", Need::kRequired, &router->agency_id);
  table->Path("tls_cert", Need::kRequired, &router->tls_cert);
  table->Path("tls_key", Need::kRequired, &router->tls_key);
  table->Path("ca", Need::kRequired, &router->ca);
  table->ReportUnknownKeys();
}

void ReadNodeLimitsTable(TableReader& root, NodeLimits* limits) {
  std::optional<TableReader> table = root.Table("limits", Need::kOptional);
  if (!table) return;
  table->ByteSize("max_envelope_bytes", Need::kOptional, kMinEnvelopeBytes,
                  kMaxEnvelopeBytes, &limits->max_envelope_bytes);
  table->ByteSize("max_bundle_json_bytes", Need::kOptional, 1,
                  kMaxBundleJsonBytes, &limits->max_bundle_json_bytes);
  table->Integer("max_attachments", Need::kOptional, 0, kMaxAttachments,
                 &limits->max_attachments);
  table->Integer("submissions_per_minute_per_client", Need::kOptional, 1,
                 kMaxSubmissionsPerMinute,
                 &limits->submissions_per_minute_per_client);
  table->Integer("max_open_streams_per_client", Need::kOptional, 1,
                 kMaxOpenStreamsPerClient,
                 &limits->max_open_streams_per_client);
  ReadDurationInRange(*table, "stream_stall_timeout", kMinStreamStallTimeout,
                      kMaxStreamStallTimeout, &limits->stream_stall_timeout);
  table->ReportUnknownKeys();
}

}  // namespace

bool ParseNodeConfigInto(absl::string_view text, NodeConfig* config,
                         ProblemList* problems) {
  if (!CheckConfigTextSize(text, problems)) return false;
  std::optional<toml::table> document = ParseTomlText(text, problems);
  if (!document) return false;
  TableReader root(*document, "", problems);
  ReadNodeTable(root, &config->node);
  ReadListenTable(root, &config->listen);
  ReadRouterLinkTable(root, &config->router);
  ReadRetryTable(root, &config->retry);
  ReadNodeLimitsTable(root, &config->limits);
  ReadClients(root, !config->listen.client_ca.empty(), &config->clients);
  ReadMoveTable(root, &config->move);
  ReadAcknowledgementTable(root, &config->acknowledgement);
  ReadAlertsTable(root, &config->alerts);
  ReadLogTable(root, &config->log);
  ReadRetentionTable(root, &config->retention);
  root.ReportUnknownKeys();
  return true;
}

}  // namespace internal

absl::StatusOr<NodeConfig> ParseNodeConfig(absl::string_view toml_text,
                                           absl::string_view source_name) {
  NodeConfig config;
  config.source = std::string(source_name);
  ProblemList problems(config.source);
  internal::ParseNodeConfigInto(toml_text, &config, &problems);
  if (!problems.empty()) return problems.ToStatus();
  return config;
}

}  // namespace handover::config
