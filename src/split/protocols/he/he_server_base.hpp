#pragma once
// What the servers of the HE protocols (paper, sealed) share: the client's public keys from Hello
// (ckks::PublicContext has no field for a secret key: no function here accepts or produces one),
// the Hello checks, the checkpoint identity and the message loop. A protocol's server derives
// from HeServerBase and answers the batch messages (protocols/sealed, protocols/paper).
#include <charconv>
#include <cmath>
#include <complex>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/keys.hpp"
#include "nn/server_head.hpp"
#include "packing/encrypted_layer.hpp"
#include "packing/worker_pool.hpp"
#include "split/message.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/session/server_options.hpp"
#include "split/session/session_checkpoints.hpp"

namespace hesplit::split::he {

// The presets this server serves: their fingerprints are checked on the public context's header
// before any context is built (a foreign, huge parameter set costs nothing). paper also serves
// the artifact's parameter sets (scale 2^21, he_scales); sealed's depth needs the 2^40 primes.
using PresetList = std::span<const char* const>;
inline constexpr const char* kSealedPresets[] = {"sealed-8192", "sealed-16384"};
inline constexpr const char* kPaperPresets[] = {"sealed-8192", "sealed-16384", "paper-8192",
                                                "paper-16384"};

ckks::LoadOptions served_parameter_sets(PresetList presets);

// What a checkpoint must share with the Hello of the session that resumes from it: the run's
// settings, the CKKS preset and the client's key id (the encrypted layer is only usable under the
// same secret key). The parameters' fingerprint is added from the context itself.
extern const std::vector<std::string> kHeIdentity;

std::string hex(std::span<const std::uint8_t> bytes);
// An unsigned counter from a checkpoint's marker.
std::uint64_t counter(const CheckpointFields& fields, const std::string& key,
                      const std::filesystem::path& folder);
// The layout of the announced shape, or a refusal naming the limit the ring sets.
packing::SplitLayout checked_layout(const ckks::CkksContext& context, std::int64_t features,
                                    std::int64_t classes);

// Everything the server holds of the client's CKKS material: parameters and public keys only.
struct ServerKeys {
  std::shared_ptr<const ckks::CkksContext> context;
  ckks::RelinKeys relin;
  ckks::GaloisKeys galois;
  std::optional<ckks::Encryptor> public_encryptor;  // sealed with flooding
};
ServerKeys load_server_keys(const Message& hello, bool need_public_key, PresetList presets);

std::vector<double> to_doubles(const nn::FloatTensor& t);
std::vector<Blob> save_all(const ckks::CkksContext& context,
                           const std::vector<ckks::Ciphertext>& ciphertexts);
void add_counts(Message& reply, const packing::KeySwitchCount& count);

// Session state and message loop shared by both HE servers.
class HeServerBase {
 public:
  HeServerBase(Transport& transport, const Message& hello, const ServerOptions& options,
               const char* protocol, bool need_public_key, PresetList presets)
      : transport_(transport),
        options_(options),
        protocol_(protocol),
        features_(bounded_hello_integer(hello, "features", 1, kMaxHeFeatures)),
        classes_(bounded_hello_integer(hello, "classes", 2, kMaxHeClasses)),
        eta_(hello.number_field("server_lr")),
        keys_(load_server_keys(hello, need_public_key, presets)),
        layout_(checked_layout(*keys_.context, features_, classes_)),
        evaluator_(keys_.context),
        encoder_(keys_.context),
        pool_(std::max<std::size_t>(options.he_threads, 1)),
        initial_(features_, classes_, unsigned_field(hello, "seed"), eta_),
        checkpoints_(batch_checkpoint_root(options), options.live_runs.get(), hello, kHeIdentity,
                     kKeyIdField, options.max_checkpoint_runs,
                     {{"ckks_fingerprint", hex(keys_.context->fingerprint())}}) {
    if (!(eta_ > 0.0 && eta_ < 1.0)) throw TransportError("hello: server_lr must be in (0, 1)");
    if (keys_.context->max_level() < 2) {
      throw TransportError("hello: the CKKS parameters need at least three data primes");
    }
    report_.protocol = protocol_;
  }
  virtual ~HeServerBase() = default;

  SessionReport run() {
    std::map<std::string, std::string> ack{{"protocol", protocol_},
                                           {"features", std::to_string(features_)},
                                           {"classes", std::to_string(classes_)}};
    if (const auto& from = checkpoints_.resume()) {
      if (*from != kStartPosition) {
        // The trained state comes from the checkpoint; the keys from this Hello (same secret key:
        // its key id was checked against the checkpoint's).
        restore_state(checkpoints_.folder(*from), checkpoints_.fields(*from));
        batches_before_ = from->global_batches;
      }
      ack[kResumeFromField] = to_string(*from);
    }
    transport_.send(Message{MessageKind::kHelloAck, 0, 0, ack, {}, {}});
    for (;;) {
      Message message = receive();
      switch (message.kind) {
        case MessageKind::kActivations:
          on_activations(message);
          break;
        case MessageKind::kLogitGrads:
          on_logit_grads(message);
          ++report_.training_batches;
          checkpoints_.after_batch(
              message.epoch, message.batch, batches_before_ + report_.training_batches,
              [this](const std::filesystem::path& folder) { save_state(folder); },
              [this] { return state_fields(); });
          if (options_.on_batch) options_.on_batch(BatchId{message.epoch, message.batch});
          break;
        case MessageKind::kEvalActivations:
          on_eval(message);
          break;
        case MessageKind::kGoodbye:
          on_goodbye(message);
          report_.final_metrics = message.fields;
          transport_.send(Message{MessageKind::kGoodbyeAck, 0, 0, {}, {}, {}});
          report_.traffic = transport_.traffic();
          return report_;
        default:
          throw TransportError("protocol error: unexpected " + describe(message));
      }
    }
  }

 protected:
  virtual void on_activations(const Message& message) = 0;
  virtual void on_logit_grads(const Message& message) = 0;
  virtual void on_eval(const Message& message) = 0;
  virtual void on_goodbye(const Message& message) = 0;
  // Checkpoints (issue 9): the protocol's trained state as files in `folder` (each written
  // atomically) plus small values for the checkpoint's marker, and the reverse.
  virtual void save_state(const std::filesystem::path& folder) const = 0;
  virtual CheckpointFields state_fields() const { return {}; }
  virtual void restore_state(const std::filesystem::path& folder,
                             const CheckpointFields& fields) = 0;

  packing::SplitEvalKeys eval_keys() const { return {keys_.relin, keys_.galois}; }
  const ckks::CkksContext& context() const { return *keys_.context; }

  // Rows announced by a message, bounded, and the ciphertext count they need.
  std::size_t ciphertext_count(const Message& message) const {
    const std::uint64_t rows = unsigned_field(message, "rows");
    if (rows < 1 || rows > static_cast<std::uint64_t>(options_.max_rows)) {
      throw TransportError("protocol error: " + describe(message) + ": rows must be in [1, " +
                           std::to_string(options_.max_rows) + "]");
    }
    return ciphertexts_for(static_cast<std::size_t>(rows), layout_.samples_per_ciphertext());
  }
  std::size_t rows_of(const Message& message) const {
    return static_cast<std::size_t>(unsigned_field(message, "rows"));
  }

  // Enc(Z) for every ciphertext of Enc(A) (shifts kept in `shifted`).
  std::vector<ckks::Ciphertext> logits(const packing::EncryptedSplitLayer& layer,
                                       const std::vector<ckks::Ciphertext>& a,
                                       std::vector<packing::ShiftedActivations>& shifted,
                                       packing::KeySwitchCount& count) {
    shifted.clear();
    std::vector<ckks::Ciphertext> z;
    for (const ckks::Ciphertext& c : a) {
      shifted.push_back(layer.shift(c, eval_keys(), count, &pool_));
      z.push_back(layer.forward(shifted.back(), eval_keys(), count, &pool_));
    }
    return z;
  }

  // Answers a batch's activations with Enc(Z) and remembers the batch for its gradients.
  void send_logits(const Message& activations, const std::vector<ckks::Ciphertext>& z,
                   const packing::KeySwitchCount& count) {
    pending_ = BatchId{activations.epoch, activations.batch};
    pending_rows_ = rows_of(activations);
    Message reply{MessageKind::kLogits,  activations.epoch, activations.batch, {}, {},
                  save_all(context(), z)};
    add_counts(reply, count);
    transport_.send(reply);
  }

  void check_pending(const Message& message) const {
    if (!pending_ || pending_->epoch != message.epoch || pending_->batch != message.batch) {
      throw TransportError("protocol error: " + describe(message) +
                           " does not follow the activations of the same batch");
    }
  }

  Transport& transport_;
  const ServerOptions& options_;
  const char* protocol_;
  std::int64_t features_;
  std::int64_t classes_;
  double eta_;
  ServerKeys keys_;
  packing::SplitLayout layout_;
  ckks::Evaluator evaluator_;
  ckks::CkksEncoder encoder_;
  packing::WorkerPool pool_;
  nn::ServerHead initial_;  // W0, b0: exactly plain's initial weights for the same seed
  ServerCheckpoints checkpoints_;
  std::uint64_t batches_before_ = 0;  // training batches of the run before a resumed session
  std::optional<BatchId> pending_;
  std::size_t pending_rows_ = 0;
  std::vector<packing::ShiftedActivations> shifted_;
  SessionReport report_;

 private:
  Message receive() {
    try {
      return transport_.receive();
    } catch (const PeerDisconnected& e) {
      throw PeerDisconnected(e.what() + std::string(" after ") +
                             std::to_string(report_.training_batches) + " training batches");
    }
  }
};

}  // namespace hesplit::split::he
