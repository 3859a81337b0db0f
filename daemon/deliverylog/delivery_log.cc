#include "deliverylog/delivery_log.h"

#include <utility>

#include "common/status_macros.h"

namespace handover::deliverylog {

absl::StatusOr<std::vector<handover::v1::LogEntry>> QueryAll(
    const DeliveryLog& log, LogQuery query, int max_pages) {
  std::vector<handover::v1::LogEntry> all;
  query.limit = kMaxPageSize;
  for (int page = 0; page < max_pages; ++page) {
    ASSIGN_OR_RETURN(LogPage got, log.Query(query));
    for (handover::v1::LogEntry& entry : got.entries) {
      all.push_back(std::move(entry));
    }
    if (!got.next_after_index.has_value()) break;
    query.after_index = got.next_after_index;
  }
  return all;
}

}  // namespace handover::deliverylog
