#pragma once
// Record lists of the MIT-BIH Arrhythmia Database (DATA.md).
#include <array>
#include <cstdint>

namespace hesplit::ecg {

// All 48 records of mitdb 1.0.0.
inline constexpr std::array<std::int32_t, 48> kMitdbRecords = {
    100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 111, 112, 113, 114, 115, 116,
    117, 118, 119, 121, 122, 123, 124, 200, 201, 202, 203, 205, 207, 208, 209, 210,
    212, 213, 214, 215, 217, 219, 220, 221, 222, 223, 228, 230, 231, 232, 233, 234};

// Left out by the paper's extraction: the four paced records and 114 (MLII is its second signal).
inline constexpr std::array<std::int32_t, 5> kPaperExcluded = {102, 104, 107, 114, 217};

// The inter-patient split of de Chazal, O'Dwyer and Reilly (2004).
inline constexpr std::array<std::int32_t, 22> kDeChazalDs1 = {
    101, 106, 108, 109, 112, 114, 115, 116, 118, 119, 122,
    124, 201, 203, 205, 207, 208, 209, 215, 220, 223, 230};
inline constexpr std::array<std::int32_t, 22> kDeChazalDs2 = {
    100, 103, 105, 111, 113, 117, 121, 123, 200, 202, 210,
    212, 213, 214, 219, 221, 222, 228, 231, 232, 233, 234};

}  // namespace hesplit::ecg
