// How `handover alerts watch` shows a police control room one alert event:
// a card of labelled lines a person can read at a glance (who the child
// is, where they went, why the alert is high, the risks and the grab
// pack, whom to call), and a JSON object for scripts. Pure functions of
// the event; thread-safe.
//
// The card carries case content on purpose: it is what the operator needs
// to act on. Every value from the record is folded to one line and its
// control characters replaced, so a record cannot redraw the terminal.
#ifndef HANDOVER_CLIENT_ALERT_CARD_H_
#define HANDOVER_CLIENT_ALERT_CARD_H_

#include <string>

#include "cli_output.h"
#include "handover/v1/node.pb.h"

namespace handover::cli {

// The card for `event`, ending with a blank line. RAISED events get the
// whole card; ESCALATED ones an "ESCALATED to <priority> (escalation N)"
// header before it; ACKNOWLEDGED ones a short card (who, when, the note,
// the child and the sender).
std::string FormatAlertCard(const handover::v1::AlertEvent& event);

// `event` as one JSON object: cursor, kind, priority, at and the alert,
// with the view as the bundle's canonical JSON (null if not opened).
Json AlertEventJson(const handover::v1::AlertEvent& event);

// The alert on its own, as in AlertEventJson; for `alerts ack`.
Json AlertJson(const handover::v1::Alert& alert);

// `text` on one line with no control characters, for a card or a table.
std::string CardText(absl::string_view text);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_ALERT_CARD_H_
