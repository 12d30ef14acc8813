#include "attack/session_view.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "split/server_view_file.hpp"

namespace hesplit::attack {

namespace {

std::size_t size_field(const std::map<std::string, std::string>& hello, const std::string& key,
                       const std::filesystem::path& file) {
  const auto it = hello.find(key);
  if (it == hello.end()) return 0;
  std::size_t value = 0;
  const auto [end, error] =
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (error != std::errc() || end != it->second.data() + it->second.size() || value > (1u << 20)) {
    throw split::ServerViewError("server view " + file.string() + ": hello field \"" + key +
                                 "\" is not a size: \"" + it->second + "\"");
  }
  return value;
}

// Two passes would read gigabytes twice for HE sessions; instead A is kept for the newest epoch
// seen and dropped when a newer one starts (the file is in session order).
class ViewBuilder {
 public:
  ViewBuilder(SessionView& view, std::uint32_t wanted) : view_(view), wanted_(wanted) {}

  void visit(const split::ViewRecord& record) {
    const split::Message& m = record.message;
    if (record.origin == split::ViewOrigin::kComputed) {
      ++view_.computed_records;
      if (record.name == "weight_step" && last_grads_ && m.tensors.size() == 1) {
        view_.batches[*last_grads_].weight_step =
            m.tensors.front();  // the refresh of the last training batch
      }
      if (record.name == "oracle_samples" && last_grads_ && m.tensors.size() == 1) {
        view_.batches[*last_grads_].oracle_samples = m.tensors.front();
        pending_oracle_ = last_grads_;
      }
      return;
    }
    if (record.origin == split::ViewOrigin::kSent) {
      if (m.kind == split::MessageKind::kInputGrads && m.tensors.size() == 1 && !m.blobs.empty() &&
          last_grads_) {
        check_batch_tensor(m, m.tensors.front(), "input gradients", std::nullopt);
        view_.batches[*last_grads_].input_grads = m.tensors.front();
      }
      return;
    }
    if (record.origin != split::ViewOrigin::kReceived) return;
    ++view_.messages_received;
    // The client returns the decrypted "W' + M" with its next message.
    if (pending_oracle_ && m.tensors.size() == 1 && m.tensors[0].shape.size() == 2 &&
        std::size_t(m.tensors[0].shape[0]) == view_.classes) {
      view_.batches[*pending_oracle_].oracle_return = m.tensors[0];
      pending_oracle_.reset();
    }
    for (const auto& t : m.tensors) view_.clear_values_received += t.data.size();
    for (const auto& b : m.blobs) {
      view_.ciphertext_bytes_received += b.bytes.size();
      view_.blob_bytes_by_message[split::to_string(m.kind)] += b.bytes.size();
    }
    if (m.kind == split::MessageKind::kHello) on_hello(m);
    if (m.kind == split::MessageKind::kActivations) on_activations(m);
    if (m.kind == split::MessageKind::kLogitGrads) on_grads(m);
  }

 private:
  void on_hello(const split::Message& m) {
    view_.hello = m.fields;
    const auto protocol = m.fields.find("protocol");
    view_.protocol = protocol == m.fields.end() ? "unknown" : protocol->second;
    view_.batch_size = size_field(m.fields, "batch_size", view_.file);
    view_.classes = size_field(m.fields, "classes", view_.file);
  }
  [[noreturn]] void refuse(const split::Message& m, const std::string& what) const {
    throw split::ServerViewError(fmt::format("server view {}: epoch {} batch {}: {}",
                                             view_.file.string(), m.epoch, m.batch, what));
  }
  // A tensor kept as a batch must be one of this session: 1 to batch_size rows (the attacks index
  // the dataset with them) and, for G, one column per class.
  void check_batch_tensor(const split::Message& m, const nn::FloatTensor& t, const char* what,
                          std::optional<std::size_t> columns) const {
    if (view_.batch_size == 0) refuse(m, "a batch before the session's Hello gave a batch size");
    const bool rows_ok = t.shape.size() >= 2 && t.shape[0] >= 1 &&
                         static_cast<std::uint64_t>(t.shape[0]) <= view_.batch_size;
    const bool columns_ok =
        !columns || (t.shape.size() == 2 && static_cast<std::uint64_t>(t.shape[1]) == *columns);
    if (rows_ok && columns_ok) return;
    const std::string expected =
        columns ? fmt::format("1 to {} rows of {} classes", view_.batch_size, *columns)
                : fmt::format("1 to {} rows of features", view_.batch_size);
    refuse(m,
           fmt::format("{} of shape [{}]: expected {}", what, fmt::join(t.shape, ", "), expected));
  }
  ViewBatch& batch_of(const split::Message& m) {
    if (view_.batches.empty() || view_.batches.back().epoch != m.epoch ||
        view_.batches.back().batch != m.batch) {
      ViewBatch batch;
      batch.epoch = m.epoch;
      batch.batch = m.batch;
      view_.batches.push_back(std::move(batch));
    }
    view_.last_epoch = std::max(view_.last_epoch, m.epoch);
    return view_.batches.back();
  }
  void on_activations(const split::Message& m) {
    ViewBatch& b = batch_of(m);
    // In paper mode this message carries Enc(A) plus, in the clear, the refreshed W' + M of the
    // previous batch: only a message without ciphertexts holds a clear A.
    if (m.tensors.size() != 1 || !m.blobs.empty()) return;
    const bool keep = wanted_ == 0 ? m.epoch >= kept_epoch_ : m.epoch == wanted_;
    if (!keep) return;
    check_batch_tensor(m, m.tensors.front(), "activations", std::nullopt);
    if (m.epoch != kept_epoch_) {
      for (ViewBatch& old : view_.batches) old.activations.reset();
      kept_epoch_ = m.epoch;
    }
    b.activations = m.tensors.front();
  }
  void on_grads(const split::Message& m) {
    ViewBatch& b = batch_of(m);
    if (m.tensors.size() == 1) {
      check_batch_tensor(m, m.tensors.front(), "logit gradients", view_.classes);
      b.logit_grads = m.tensors.front();
    }
    last_grads_ = static_cast<std::size_t>(&b - view_.batches.data());
  }

  SessionView& view_;
  std::uint32_t wanted_;
  std::uint32_t kept_epoch_ = 0;
  std::optional<std::size_t> last_grads_;
  std::optional<std::size_t> pending_oracle_;  // index in view_.batches of the last batch with G
};

}  // namespace

SessionView load_session_view(const std::filesystem::path& file, std::uint32_t activations_epoch) {
  SessionView view;
  view.file = file;
  ViewBuilder builder(view, activations_epoch);
  split::for_each_view_record(file, [&](const split::ViewRecord& r) { builder.visit(r); });
  view.activations_epoch = 0;
  for (const ViewBatch& b : view.batches) {
    if (b.activations) view.activations_epoch = b.epoch;
  }
  return view;
}

std::vector<std::filesystem::path> find_view_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& folder : {dir, dir / "server-view"}) {
    if (!std::filesystem::is_directory(folder)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (entry.is_regular_file() && entry.path().extension() == split::kServerViewExtension) {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace hesplit::attack
