#pragma once
// Everything one `hesplit attack` run measured, for report.json and report.html.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attack/dcor_dtw.hpp"
#include "attack/inversion.hpp"
#include "attack/label_leakage.hpp"

namespace hesplit::attack {

struct AttackResults {
  nlohmann::json json;  // report.json
  std::vector<std::string> class_names;
  std::optional<LabelLeakage> label_leakage;
  std::optional<Inversion> inversion;
  std::optional<DcorDtw> dcor_dtw;
};

// report.html: self-contained (inline SVG and CSS, no scripts, no external resources).
std::string privacy_report_html(const AttackResults& results);

}  // namespace hesplit::attack
