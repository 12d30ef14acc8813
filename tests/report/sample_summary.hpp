#pragma once
// Run summaries for the report tests: a realistic 10-epoch sealed run and small variants.
#include <cmath>

#include "report/run_summary.hpp"

namespace hesplit::report::testing {

inline RunSummary sample_summary() {
  RunSummary s;
  s.mode = "sealed";
  s.seed = 7;
  s.batch_size = 16;
  s.dataset = "data/paper_split.h5";
  const double losses[] = {0.612, 0.384, 0.301, 0.262, 0.239, 0.221, 0.208, 0.199, 0.191, 0.186};
  const double train_acc[] = {0.8212, 0.8911, 0.9102, 0.9198, 0.9260,
                              0.9305, 0.9341, 0.9366, 0.9388, 0.9401};
  const double test_acc[] = {0.8705, 0.8990, 0.9102, 0.9175, 0.9213,
                             0.9251, 0.9270, 0.9288, 0.9301, 0.9312};
  for (int i = 0; i < 10; ++i) {
    EpochMetrics e;
    e.epoch = i + 1;
    e.train_loss = losses[i];
    e.train_accuracy = train_acc[i];
    e.test_accuracy = test_acc[i];
    e.seconds = 27.5 + 0.25 * i;
    e.bytes_client_to_server = 310'000'000 + 1'000 * static_cast<std::uint64_t>(i);
    e.bytes_server_to_client = 118'600'000;
    e.key_switches = 828 * 104;
    s.epochs.push_back(e);
  }
  s.confusion_matrix = {{2450, 30, 20, 50, 50},
                        {25, 2440, 5, 10, 120},
                        {10, 5, 2500, 15, 70},
                        {90, 5, 20, 2320, 165},
                        {60, 35, 40, 69, 2396}};
  s.test_accuracy = 12106.0 / 13000.0;  // the matrix's trace over its total
  s.class_names = {"N", "L", "R", "A", "V"};
  s.ckks = CkksInfo{"default-128", 8192, {50, 50, 40, 60}, std::ldexp(1.0, 40), 128};
  s.server_layer = "encrypted";
  s.client_lr = 1e-3;
  s.server_lr = 1e-2;
  s.train_samples = 13245;
  s.test_samples = 13000;
  return s;
}

inline EpochMetrics epoch_metrics(int epoch, double loss, double train_accuracy,
                                  double test_accuracy, double seconds) {
  EpochMetrics e;
  e.epoch = epoch;
  e.train_loss = loss;
  e.train_accuracy = train_accuracy;
  e.test_accuracy = test_accuracy;
  e.seconds = seconds;
  return e;
}

// The smallest valid summary: a local run of two epochs, no optional fields.
inline RunSummary minimal_summary() {
  RunSummary s;
  s.mode = "local";
  s.seed = 0;
  s.batch_size = 4;
  s.dataset = "fixture.h5";
  s.epochs = {epoch_metrics(1, 0.5, 0.75, 0.625, 1.25), epoch_metrics(2, 0.25, 0.875, 0.75, 1.5)};
  s.test_accuracy = 0.75;
  s.confusion_matrix = {{3, 1}, {1, 3}};
  return s;
}

}  // namespace hesplit::report::testing
