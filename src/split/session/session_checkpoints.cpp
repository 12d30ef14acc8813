#include "split/session/session_checkpoints.hpp"

#include <algorithm>
#include <charconv>
#include <random>
#include <sstream>

#include "split/session/run_owner.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

namespace {

constexpr std::size_t kMaxResumePositions = 16;

template <typename T>
T unsigned_field(const CheckpointFields& fields, const std::string& key,
                 const std::string& source) {
  const auto it = fields.find(key);
  T value{};
  if (it == fields.end()) throw std::runtime_error(source + ": no \"" + key + "\"");
  const std::string& text = it->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw std::runtime_error(source + ": \"" + key + "\" is not an unsigned integer");
  }
  return value;
}

double double_field(const CheckpointFields& fields, const std::string& key,
                    const std::string& source) {
  const auto it = fields.find(key);
  if (it == fields.end()) throw std::runtime_error(source + ": no \"" + key + "\"");
  return parse_exact_number(it->second, source + ": \"" + key + "\"");
}

}  // namespace

std::string new_run_id() {
  // Not a secret: it only tells runs apart. std::random_device reads the kernel's entropy.
  std::random_device device;
  std::ostringstream id;
  for (int i = 0; i < 4; ++i) {
    char word[9];
    std::snprintf(word, sizeof word, "%08x", static_cast<unsigned>(device()));
    id << word;
  }
  return id.str();
}

void check_run_id(const std::string& id) {
  const bool hex = id.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (id.size() < 16 || id.size() > 64 || !hex) {
    throw TransportError("hello: \"run_id\" must be 16 to 64 lower-case hex digits");
  }
}

std::string join_positions(const std::vector<CheckpointPosition>& positions) {
  std::string text;
  for (const CheckpointPosition& p : positions) {
    if (!text.empty()) text += ',';
    text += to_string(p);
  }
  return text;
}

std::vector<CheckpointPosition> parse_positions(const std::string& text) {
  std::vector<CheckpointPosition> out;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) {
    if (out.size() == kMaxResumePositions) {
      throw TransportError("hello: more than " + std::to_string(kMaxResumePositions) +
                           " resume positions");
    }
    try {
      out.push_back(parse_position(item));
    } catch (const std::runtime_error& e) {
      throw TransportError(std::string("hello: resume: ") + e.what());
    }
  }
  return out;
}

void add_checkpoint_request(std::map<std::string, std::string>& hello_fields,
                            const CheckpointRequest& request) {
  if (request.run_id.empty()) return;
  hello_fields[kRunIdField] = request.run_id;
  hello_fields[kCheckpointEveryField] = std::to_string(request.every);
  if (!request.resume.empty()) hello_fields[kResumeField] = join_positions(request.resume);
  if (!request.run_proof.empty()) hello_fields[kRunProofField] = request.run_proof;
}

std::optional<CheckpointPosition> resumed_position(const Message& ack,
                                                   const CheckpointRequest& request) {
  if (request.resume.empty()) return std::nullopt;
  const auto it = ack.fields.find(kResumeFromField);
  if (it == ack.fields.end()) {
    throw TransportError("the server did not say where to resume (an older server?)");
  }
  CheckpointPosition chosen;
  try {
    chosen = parse_position(it->second);
  } catch (const std::runtime_error& e) {
    throw TransportError(std::string("hello-ack: ") + e.what());
  }
  if (std::find(request.resume.begin(), request.resume.end(), chosen) == request.resume.end()) {
    throw TransportError("the server chose to resume from " + to_string(chosen) +
                         ", which the client does not hold");
  }
  return chosen;
}

ServerCheckpoints::ServerCheckpoints(const std::optional<std::filesystem::path>& root,
                                     LiveRuns* live, const Message& hello,
                                     const std::vector<std::string>& identity_keys,
                                     const std::string& owner_field, std::size_t max_runs,
                                     const CheckpointFields& derived) {
  const auto every = hello.fields.find(kCheckpointEveryField);
  const auto resume = hello.fields.find(kResumeField);
  const bool wants_checkpoints = every != hello.fields.end() && every->second != "0";
  const bool wants_resume = resume != hello.fields.end();
  if (!wants_checkpoints && !wants_resume) return;
  if (!root) {
    if (wants_resume) {
      throw TransportError("the client asks to resume, but this server keeps no checkpoints");
    }
    return;  // checkpoints are the client's wish, not a requirement
  }
  const std::string& run_id = hello.field(kRunIdField);
  check_run_id(run_id);
  if (wants_checkpoints) {
    every_ = unsigned_field<std::uint64_t>(hello.fields, kCheckpointEveryField, "hello");
  }
  for (const std::string& key : identity_keys) identity_[key] = hello.field(key);
  for (const auto& [key, value] : derived) identity_[key] = value;
  identity_[kRunIdField] = run_id;
  if (live != nullptr) claim_ = live->claim(run_id);
  // Before any checkpoint is read or written: the run is this client's, or a new one within the
  // server's limit (a resume-only Hello makes no folder).
  const auto owner = hello.fields.find(owner_field);
  admit_run(*root, run_id, owner_field, owner == hello.fields.end() ? "" : owner->second, max_runs,
            wants_checkpoints);
  store_.emplace(*root / run_id);
  if (!wants_resume) return;

  const std::vector<CheckpointPosition> theirs = parse_positions(resume->second);
  std::vector<CheckpointPosition> ours = store_->available();
  // Both sides checkpoint at the same batches, the server first for every one but the newest (a
  // crash can fall between the two writes). A client past its first checkpoint whose run this
  // server has none of is talking to the wrong server or --out: refused, not restarted.
  const std::uint64_t newest = theirs.empty() ? 0 : theirs.front().global_batches;
  if (ours.empty() && newest > every_) {
    throw TransportError("cannot resume run " + run_id +
                         ": this server holds no checkpoint of it (" + store_->root().string() +
                         " has none), the client holds [" + join_positions(theirs) +
                         "]; start the server with the --out it had when the run began");
  }
  ours.push_back(kStartPosition);                // always held: the Hello's seed rebuilds it
  for (const CheckpointPosition& mine : ours) {  // newest first
    if (std::find(theirs.begin(), theirs.end(), mine) == theirs.end()) continue;
    if (mine == kStartPosition) {
      resume_ = mine;  // the session starts afresh from the Hello, as a new one would
      return;
    }
    const CheckpointFields saved = store_->fields(mine);
    for (const auto& [key, value] : identity_) {
      const auto it = saved.find(key);
      if (it == saved.end() || it->second != value) {
        throw TransportError("cannot resume: the server's checkpoint " + to_string(mine) + " in " +
                             store_->root().string() + " has " + key + " = " +
                             (it == saved.end() ? std::string("(none)") : it->second) +
                             ", the client asks for " + value);
      }
    }
    resume_ = mine;
    return;
  }
  throw TransportError("cannot resume: the client holds checkpoints [" + join_positions(theirs) +
                       "], this server [" + join_positions(ours) + "] in " +
                       store_->root().string() + ": none in common");
}

std::filesystem::path ServerCheckpoints::folder(const CheckpointPosition& position) const {
  return store_->folder(position);
}

CheckpointFields ServerCheckpoints::fields(const CheckpointPosition& position) const {
  return store_->fields(position);
}

void ServerCheckpoints::after_batch(
    std::uint32_t epoch, std::uint64_t batch, std::uint64_t global_batches,
    const std::function<void(const std::filesystem::path& folder)>& write_state,
    const std::function<CheckpointFields()>& extra) {
  if (!store_ || every_ == 0 || global_batches % every_ != 0) return;
  CheckpointFields fields = identity_;
  if (extra) {
    for (auto& [key, value] : extra()) fields.emplace(key, std::move(value));
  }
  store_->save({epoch, batch + 1, global_batches}, fields, write_state);
}

CheckpointFields progress_fields(const TrainingProgress& p) {
  CheckpointFields f{{"epoch_loss_sum", exact_number(p.loss_sum)},
                     {"epoch_correct", std::to_string(p.correct)},
                     {"epoch_samples", std::to_string(p.samples)},
                     {"epoch_seconds", exact_number(p.seconds)},
                     {"epoch_bytes_up", std::to_string(p.bytes_client_to_server)},
                     {"epoch_bytes_down", std::to_string(p.bytes_server_to_client)},
                     {"finished_epochs", std::to_string(p.finished.size())}};
  for (std::size_t i = 0; i < p.finished.size(); ++i) {
    const EpochResult& e = p.finished[i];
    const std::string k = "finished." + std::to_string(i) + ".";
    f[k + "epoch"] = std::to_string(e.epoch);
    f[k + "train_loss"] = exact_number(e.train_loss);
    f[k + "train_accuracy"] = exact_number(e.train_accuracy);
    f[k + "test_accuracy"] = exact_number(e.test_accuracy);
    f[k + "seconds"] = exact_number(e.seconds);
    f[k + "bytes_up"] = std::to_string(e.bytes_client_to_server);
    f[k + "bytes_down"] = std::to_string(e.bytes_server_to_client);
    f[k + "batches"] = std::to_string(e.batches);
    f[k + "samples"] = std::to_string(e.samples);
  }
  return f;
}

TrainingProgress progress_from_fields(const CheckpointFields& f, const std::string& source) {
  TrainingProgress p;
  p.loss_sum = double_field(f, "epoch_loss_sum", source);
  p.correct = unsigned_field<std::size_t>(f, "epoch_correct", source);
  p.samples = unsigned_field<std::size_t>(f, "epoch_samples", source);
  p.seconds = double_field(f, "epoch_seconds", source);
  p.bytes_client_to_server = unsigned_field<std::uint64_t>(f, "epoch_bytes_up", source);
  p.bytes_server_to_client = unsigned_field<std::uint64_t>(f, "epoch_bytes_down", source);
  const auto finished = unsigned_field<std::size_t>(f, "finished_epochs", source);
  if (finished > 100000) throw std::runtime_error(source + ": too many finished epochs");
  for (std::size_t i = 0; i < finished; ++i) {
    const std::string k = "finished." + std::to_string(i) + ".";
    EpochResult e;
    e.epoch = static_cast<int>(unsigned_field<unsigned>(f, k + "epoch", source));
    e.train_loss = double_field(f, k + "train_loss", source);
    e.train_accuracy = double_field(f, k + "train_accuracy", source);
    e.test_accuracy = double_field(f, k + "test_accuracy", source);
    e.seconds = double_field(f, k + "seconds", source);
    e.bytes_client_to_server = unsigned_field<std::uint64_t>(f, k + "bytes_up", source);
    e.bytes_server_to_client = unsigned_field<std::uint64_t>(f, k + "bytes_down", source);
    e.batches = unsigned_field<std::size_t>(f, k + "batches", source);
    e.samples = unsigned_field<std::size_t>(f, k + "samples", source);
    p.finished.push_back(e);
  }
  return p;
}

}  // namespace hesplit::split
