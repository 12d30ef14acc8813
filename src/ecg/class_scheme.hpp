#pragma once
// Beat classes: which annotation symbols become which label.
//   nlrav (the paper's five classes): N 0, L 1, R 2, A 3, V 4; every other symbol is dropped.
//   aami (ANSI/AAMI EC57 classes as de Chazal et al. 2004 use them):
//     N 0 <- N L R e j;  S 1 <- A a J S;  V 2 <- V E;  F 3 <- F;  Q 4 <- / f Q.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "prepare.hpp"

namespace hesplit::ecg {

std::vector<std::string> class_names(ClassScheme scheme);

// The label of an annotation symbol, or nothing when the scheme does not use that symbol.
std::optional<int> class_label(ClassScheme scheme, std::string_view symbol);

std::string scheme_name(ClassScheme scheme);  // "nlrav" | "aami"

}  // namespace hesplit::ecg
