#pragma once
// Per-class counts of a split dataset (extracted, train, test), and its train/test overlap.
#include "ecg/beat_dataset.hpp"

namespace hesplit::cli {

// Prints the table on stdout; `seconds` is how long the preparation took.
void print_dataset_table(const ecg::BeatDataset& dataset, double seconds);

}  // namespace hesplit::cli
