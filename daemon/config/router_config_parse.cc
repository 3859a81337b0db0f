// Parsing the handover-router config: one reader function per table.
#include "config/config_internal.h"
#include "config/router_config.h"
#include "config/shared_sections.h"
#include "config/toml_reader.h"

namespace handover::config {
namespace internal {
namespace {

void ReadRouterTable(TableReader& root, RouterSettings* router) {
  std::optional<TableReader> table = root.Table("router", Need::kRequired);
  if (!table) return;
  ReadAgencyId(*table, "agency_id", Need::kRequired, &router->agency_id);
  table->Path("key_dir", Need::kRequired, &router->key_dir);
  table->Address("listen", Need::kRequired, PortZero::kAllow, &router->listen);
  table->Path("tls_cert", Need::kRequired, &router->tls_cert);
  table->Path("tls_key", Need::kRequired, &router->tls_key);
  table->Path("client_ca", Need::kRequired, &router->client_ca);
  table->Path("data_dir", Need::kRequired, &router->data_dir);
  table->Path("directory", Need::kRequired, &router->directory);
  table->Path("trust_root", Need::kRequired, &router->trust_root);
  table->ReportUnknownKeys();
}

void ReadRouterLimitsTable(TableReader& root, RouterLimits* limits) {
  std::optional<TableReader> table = root.Table("limits", Need::kOptional);
  if (!table) return;
  table->ByteSize("max_envelope_bytes", Need::kOptional, kMinEnvelopeBytes,
                  kMaxEnvelopeBytes, &limits->max_envelope_bytes);
  table->Integer("max_open_streams_per_agency", Need::kOptional, 1,
                 kMaxOpenStreamsPerClient,
                 &limits->max_open_streams_per_agency);
  ReadDurationInRange(*table, "stream_stall_timeout", kMinStreamStallTimeout,
                      kMaxStreamStallTimeout, &limits->stream_stall_timeout);
  table->ReportUnknownKeys();
}

void ReadDeliveryTable(TableReader& root, DeliverySettings* delivery) {
  std::optional<TableReader> table = root.Table("delivery", Need::kOptional);
  if (!table) return;
  table->Duration("default_ttl", Need::kOptional, &delivery->default_ttl);
  table->Duration("ciphertext_retention", Need::kOptional,
                  &delivery->ciphertext_retention);
  table->ReportUnknownKeys();
}

}  // namespace

bool ParseRouterConfigInto(absl::string_view text, RouterConfig* config,
                           ProblemList* problems) {
  if (!CheckConfigTextSize(text, problems)) return false;
  std::optional<toml::table> document = ParseTomlText(text, problems);
  if (!document) return false;
  TableReader root(*document, "", problems);
  ReadRouterTable(root, &config->router);
  ReadRetryTable(root, &config->retry);
  ReadRouterLimitsTable(root, &config->limits);
  ReadDeliveryTable(root, &config->delivery);
  ReadLogTable(root, &config->log);
  root.ReportUnknownKeys();
  return true;
}

}  // namespace internal

absl::StatusOr<RouterConfig> ParseRouterConfig(absl::string_view toml_text,
                                               absl::string_view source_name) {
  RouterConfig config;
  config.source = std::string(source_name);
  ProblemList problems(config.source);
  internal::ParseRouterConfigInto(toml_text, &config, &problems);
  if (!problems.empty()) return problems.ToStatus();
  return config;
}

}  // namespace handover::config
