#include "alert_card.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bundle/bundle_json.h"
#include "move_names.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

constexpr size_t kLabelWidth = 12;  // "Placement:  "
constexpr char kNotInView[] = "none in this view";

std::string Line(absl::string_view label, absl::string_view value) {
  std::string line(label);
  line.append(kLabelWidth > line.size() ? kLabelWidth - line.size() : 1, ' ');
  absl::StrAppend(&line, value, "\n");
  return line;
}

bool IsSet(const google::protobuf::Timestamp& t) {
  return t.seconds() != 0 || t.nanos() != 0;
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  return IsSet(t) ? FormatUtc(t.seconds()) : "not recorded";
}

Json TimeJson(const google::protobuf::Timestamp& t) {
  return IsSet(t) ? Json(FormatUtc(t.seconds())) : Json(nullptr);
}

// Joins the non-empty parts, each cleaned.
std::string JoinSet(const std::vector<std::string>& parts,
                    absl::string_view separator) {
  std::vector<std::string> kept;
  for (const std::string& p : parts) {
    std::string clean = CardText(p);
    if (!clean.empty()) kept.push_back(std::move(clean));
  }
  return absl::StrJoin(kept, separator);
}

std::string ChildText(const v1::CaseBundle& view) {
  if (!view.has_identity()) return kNotInView;
  const v1::Identity& id = view.identity();
  std::string name = JoinSet({id.given_names(), id.family_name()}, " ");
  if (name.empty()) name = "name not in this view";
  if (!id.preferred_name().empty()) {
    absl::StrAppend(&name, " (\"", CardText(id.preferred_name()), "\")");
  }
  absl::StrAppend(&name, ", born ",
                  id.date_of_birth().empty() ? "not recorded"
                                             : CardText(id.date_of_birth()));
  absl::StrAppend(
      &name, ", photo: ",
      id.photo_attachment().empty() ? "none" : CardText(id.photo_attachment()));
  return name;
}

std::string MoveText(const v1::MoveNotice& move) {
  std::string text =
      absl::StrCat(MoveKindName(move.kind()), " to ", CardText(move.to_area()));
  if (!move.from_area().empty()) {
    absl::StrAppend(&text, " from ", CardText(move.from_area()));
  }
  absl::StrAppend(&text, ", effective ", TimeText(move.effective_time()),
                  ", urgency ",
                  absl::AsciiStrToUpper(UrgencyName(move.urgency())));
  return text;
}

std::string LevelName(v1::RiskLevel level) {
  switch (level) {
    case v1::RISK_LEVEL_HIGH:
      return "HIGH";
    case v1::RISK_LEVEL_MEDIUM:
      return "MEDIUM";
    case v1::RISK_LEVEL_LOW:
      return "LOW";
    case v1::RISK_LEVEL_NONE_KNOWN:
      return "none known";
    default:
      return "not assessed";
  }
}

std::string RisksText(const v1::RiskProfile& risk) {
  std::vector<std::string> parts;
  const auto assessed = [&](absl::string_view name,
                            const v1::RiskAssessment& a) {
    if (a.level() != v1::RISK_LEVEL_UNSPECIFIED) {
      parts.push_back(absl::StrCat(name, " ", LevelName(a.level())));
    }
  };
  assessed("sexual exploitation", risk.sexual_exploitation());
  assessed("criminal exploitation", risk.criminal_exploitation());
  assessed("self-harm", risk.self_harm());
  for (const v1::OtherRisk& o : risk.other_risks()) {
    assessed(CardText(o.name()), o.assessment());
  }
  if (risk.known_risk_persons_size() > 0) {
    std::vector<std::string> where;
    for (const v1::KnownRiskPerson& p : risk.known_risk_persons()) {
      std::string w =
          JoinSet({p.area_description(), p.postcode_district()}, " ");
      where.push_back(w.empty() ? "area not recorded" : w);
    }
    parts.push_back(
        absl::StrCat("known risk persons: ", risk.known_risk_persons_size(),
                     " (", absl::StrJoin(where, "; "), ")"));
  }
  if (risk.missing_episodes_size() > 0) {
    std::string missing =
        absl::StrCat("missing episodes: ", risk.missing_episodes_size());
    const v1::MissingEpisode& last =
        risk.missing_episodes(risk.missing_episodes_size() - 1);
    if (!last.has_end_time()) {
      absl::StrAppend(&missing, " (MISSING NOW, since ",
                      TimeText(last.start_time()), ")");
    }
    parts.push_back(std::move(missing));
  }
  return parts.empty() ? kNotInView : absl::StrJoin(parts, "; ");
}

std::string DolText(const v1::CaseBundle& view) {
  if (!view.legal_status().has_deprivation_of_liberty()) return kNotInView;
  const v1::DeprivationOfLiberty& d =
      view.legal_status().deprivation_of_liberty();
  std::vector<std::string> restrictions;
  for (const std::string& r : d.restrictions()) restrictions.push_back(r);
  std::string text = absl::StrCat(
      "restrictions: ",
      restrictions.empty() ? "none listed" : JoinSet(restrictions, "; "));
  if (!d.authorised_by().empty()) {
    absl::StrAppend(&text, "; authorised by ", CardText(d.authorised_by()));
  }
  if (!d.end_date().empty()) {
    absl::StrAppend(&text, "; until ", CardText(d.end_date()));
  }
  return text;
}

std::string GrabPackText(const v1::CaseBundle& view) {
  if (!view.has_grab_pack()) return kNotInView;
  const v1::MissingFromCareGrabPack& g = view.grab_pack();
  std::vector<std::string> parts;
  if (!g.physical_description().empty()) {
    parts.push_back(CardText(g.physical_description()));
  }
  std::vector<std::string> places;
  for (const v1::Place& p : g.places_may_go()) {
    places.push_back(JoinSet({p.description(), p.postcode_district()}, " "));
  }
  if (!places.empty()) {
    parts.push_back(absl::StrCat("may go to ", absl::StrJoin(places, ", ")));
  }
  std::vector<std::string> people;
  for (const v1::Associate& a : g.people_may_be_with()) {
    std::string who = CardText(a.description());
    if (!a.relationship().empty()) {
      absl::StrAppend(&who, " (", CardText(a.relationship()), ")");
    }
    people.push_back(std::move(who));
  }
  if (!people.empty()) {
    parts.push_back(absl::StrCat("may be with ", absl::StrJoin(people, ", ")));
  }
  std::vector<std::string> phones(g.phone_numbers().begin(),
                                  g.phone_numbers().end());
  if (!phones.empty()) {
    parts.push_back(absl::StrCat("phones ", JoinSet(phones, ", ")));
  }
  for (const v1::SocialMediaHandle& s : g.social_media()) {
    parts.push_back(JoinSet({s.platform(), s.handle()}, " "));
  }
  return parts.empty() ? kNotInView : absl::StrJoin(parts, "; ");
}

std::string ContactLines(const v1::CaseBundle& view) {
  if (view.contacts_size() == 0) return Line("Contacts:", kNotInView);
  std::string lines;
  for (const v1::Contact& c : view.contacts()) {
    std::string text = JoinSet({c.role(), c.agency(), c.phone()}, " ");
    if (c.out_of_hours()) absl::StrAppend(&text, " (out of hours)");
    lines += Line(lines.empty() ? "Contacts:" : "", text);
  }
  return lines;
}

std::string AckText(const v1::Alert& alert) {
  if (alert.acknowledged_by().empty()) return "not acknowledged";
  std::string text =
      absl::StrCat("acknowledged by ", CardText(alert.acknowledged_by()),
                   " at ", TimeText(alert.acknowledged_at()));
  if (!alert.acknowledgement_note().empty()) {
    absl::StrAppend(&text, ": ", CardText(alert.acknowledgement_note()));
  }
  return text;
}

std::string Header(const v1::AlertEvent& event) {
  const v1::Alert& alert = event.alert();
  const std::string id = CardText(alert.alert_id());
  switch (event.kind()) {
    case v1::ALERT_EVENT_KIND_ESCALATED:
      return absl::StrCat(
          "==== ESCALATED to ", PriorityName(event.priority()), " (escalation ",
          alert.escalations(), ")  ALERT ", id, "  (at ", TimeText(event.at()),
          ", cursor ", event.cursor(), ") ====\n",
          Line("Escalated:",
               absl::StrCat("not acknowledged since raised at ",
                            TimeText(alert.raised_at()), " as ",
                            PriorityName(alert.raised_priority()))));
    case v1::ALERT_EVENT_KIND_ACKNOWLEDGED:
      return absl::StrCat("==== ACKNOWLEDGED  ALERT ", id, "  (at ",
                          TimeText(event.at()), ", cursor ", event.cursor(),
                          ") ====\n");
    default:
      return absl::StrCat("==== ", PriorityName(event.priority()), "  ALERT ",
                          id, "  (raised ", TimeText(alert.raised_at()),
                          ", cursor ", event.cursor(), ") ====\n");
  }
}

std::string FromLine(const v1::Alert& alert) {
  return Line("From:", absl::StrCat(CardText(alert.sender_id()), ", transfer ",
                                    CardText(alert.transfer_id())));
}

std::string ViewLines(const v1::AlertEvent& event) {
  const v1::Alert& alert = event.alert();
  if (!alert.has_view()) {
    return Line("View:", absl::StrCat("could not be opened: ",
                                      alert.view_error().empty()
                                          ? "no reason given"
                                          : CardText(alert.view_error())));
  }
  const v1::CaseBundle& view = alert.view();
  std::string out = Line("Child:", ChildText(view));
  if (view.has_move()) {
    out += Line("Move:", MoveText(view.move()));
    out += Line("Placement:", JoinSet({view.move().placement_address(),
                                       view.move().placement_postcode()},
                                      ", "));
  } else {
    out += Line("Move:", kNotInView);
  }
  const std::string why = absl::StrCat(
      "Why ", absl::AsciiStrToLower(PriorityName(event.priority())), ":");
  std::vector<std::string> reasons(alert.reasons().begin(),
                                   alert.reasons().end());
  out +=
      Line(why, reasons.empty() ? "no reasons given" : JoinSet(reasons, ", "));
  out += Line("Risks:", RisksText(view.risk()));
  out += Line("DoL:", DolText(view));
  out += Line("Grab pack:", GrabPackText(view));
  out += ContactLines(view);
  return out;
}

}  // namespace

std::string CardText(absl::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (absl::ascii_isspace(u)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    // Escape sequences from a record must not reach the terminal.
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  return out;
}

std::string FormatAlertCard(const v1::AlertEvent& event) {
  const v1::Alert& alert = event.alert();
  std::string card = Header(event);
  if (event.kind() == v1::ALERT_EVENT_KIND_ACKNOWLEDGED) {
    card += Line("Ack:", AckText(alert));
    if (alert.has_view()) card += Line("Child:", ChildText(alert.view()));
    card += FromLine(alert);
    return card + "\n";
  }
  card += ViewLines(event);
  card += FromLine(alert);
  card += Line("Ack:", AckText(alert));
  return card + "\n";
}

Json AlertJson(const v1::Alert& alert) {
  Json view = nullptr;
  if (alert.has_view()) {
    absl::StatusOr<std::string> text = bundle::BundleToJson(alert.view());
    if (text.ok()) {
      view = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (view.is_discarded()) view = nullptr;
    }
  }
  return Json{{"alert_id", alert.alert_id()},
              {"transfer_id", alert.transfer_id()},
              {"sender_id", alert.sender_id()},
              {"priority", PriorityName(alert.priority())},
              {"raised_priority", PriorityName(alert.raised_priority())},
              {"reasons", Json(std::vector<std::string>(
                              alert.reasons().begin(), alert.reasons().end()))},
              {"raised_at", TimeJson(alert.raised_at())},
              {"last_raised_at", TimeJson(alert.last_raised_at())},
              {"escalations", alert.escalations()},
              {"acknowledged_by", alert.acknowledged_by().empty()
                                      ? Json(nullptr)
                                      : Json(alert.acknowledged_by())},
              {"acknowledged_at", TimeJson(alert.acknowledged_at())},
              {"acknowledgement_note", alert.acknowledgement_note()},
              {"view", std::move(view)},
              {"view_error", alert.view_error()}};
}

Json AlertEventJson(const v1::AlertEvent& event) {
  return Json{{"cursor", event.cursor()},
              {"kind", AlertEventKindName(event.kind())},
              {"priority", PriorityName(event.priority())},
              {"at", TimeJson(event.at())},
              {"alert", AlertJson(event.alert())}};
}

}  // namespace handover::cli
