#include "node_test_util.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace handover::node::testing {

std::string TransferId(int n) {
  std::string id(16, 'T');
  id[12] = static_cast<char>((n >> 24) & 0xff);
  id[13] = static_cast<char>((n >> 16) & 0xff);
  id[14] = static_cast<char>((n >> 8) & 0xff);
  id[15] = static_cast<char>(n & 0xff);
  return id;
}

OutboxTransfer MakeOutbox(int n, const std::string& client,
                          const std::string& key,
                          std::vector<std::string> recipients) {
  OutboxTransfer t;
  t.transfer_id = TransferId(n);
  t.client_name = client;
  t.idempotency_key = key;
  t.recipients = std::move(recipients);
  t.created_at = kT0 + absl::Seconds(n);
  t.expires_at = t.created_at + absl::Hours(24 * 5);
  t.envelope_path = absl::StrCat("/outbox/", n, ".envelope");
  t.envelope_size = 1000 + n;
  t.ciphertext_hash = std::string(32, static_cast<char>('h' + n % 8));
  return t;
}

InboxRecord MakeInbox(int n, absl::Time received_at) {
  InboxRecord r;
  r.transfer_id = TransferId(n);
  r.sender_id = "stockport-cs";
  r.created_at = received_at - absl::Minutes(1);
  r.received_at = received_at;
  r.expires_at = received_at + absl::Hours(24);
  r.content_type = "application/vnd.handover.case-bundle.v1";
  r.envelope_path = absl::StrCat("/inbox/", n, ".envelope");
  r.envelope_size = 2000 + n;
  r.ciphertext_hash = std::string(32, 'x');
  return r;
}

}  // namespace handover::node::testing
