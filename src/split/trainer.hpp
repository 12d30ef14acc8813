#pragma once
// The client's training loop, the same for every protocol: fixed data order (no shuffling, as the
// reference), forward through the client front, the server half via HeadSession, cross-entropy on
// the logits, backward, Adam; test accuracy after each epoch; confusion matrix at the end.
#include <cstddef>

#include "ecg/beat_dataset.hpp"
#include "nn/client_front.hpp"
#include "split/head_session.hpp"
#include "split/metrics.hpp"
#include "split/training_types.hpp"

namespace hesplit::split {

// Number of classes: the dataset's class names, else the largest label + 1. Also checks that the
// dataset is usable (sizes consistent, labels in range, both sides non-empty) and throws
// ecg::DatasetError naming `source` otherwise.
std::size_t checked_class_count(const ecg::BeatDataset& dataset, const std::string& source);

// `resume` (a checkpoint's progress; the front must hold that checkpoint's state) continues a run
// from there: the epoch's tally and the finished epochs are taken over, so the result equals an
// uninterrupted run's.
TrainingResult train(nn::ClientFront& front, HeadSession& head, const ecg::BeatDataset& dataset,
                     std::size_t classes, const TrainOptions& options, TrainingObserver& observer,
                     const TrainingProgress* resume = nullptr);

// Test-set evaluation through the same path the training uses (chunks of `chunk` beats).
ConfusionMatrix evaluate(const nn::ClientFront& front, HeadSession& head, const ecg::BeatSet& set,
                         std::size_t classes, std::size_t chunk);

}  // namespace hesplit::split
