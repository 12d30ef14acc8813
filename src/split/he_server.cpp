#include "split/he_server.hpp"

#include <charconv>
#include <cmath>
#include <complex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/params.hpp"
#include "ckks/prng.hpp"
#include "ckks/seeded.hpp"
#include "ckks/serial_public_context.hpp"
#include "nn/server_head.hpp"
#include "packing/client_codec.hpp"
#include "packing/encrypted_layer.hpp"
#include "packing/worker_pool.hpp"
#include "split/he_protocol.hpp"
#include "split/plain_client.hpp"
#include "split/sealed_layer_file.hpp"
#include "split/session_checkpoints.hpp"
#include "split/vector_file.hpp"

namespace hesplit::split {

namespace {

std::uint64_t parse_unsigned(const Message& message, const std::string& key) {
  const std::string& text = message.field(key);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw TransportError("protocol error: " + describe(message) + ": \"" + key +
                         "\" is not an unsigned integer: \"" + text + "\"");
  }
  return value;
}

// The presets this server serves: their fingerprints are checked on the public context's header
// before any context is built (a foreign, huge parameter set costs nothing). paper also serves
// the artifact's parameter sets (scale 2^21, he_scales); sealed's depth needs the 2^40 primes.
using PresetList = std::span<const char* const>;
constexpr const char* kSealedPresets[] = {"sealed-8192", "sealed-16384"};
constexpr const char* kPaperPresets[] = {"sealed-8192", "sealed-16384", "paper-8192",
                                         "paper-16384"};

ckks::LoadOptions served_parameter_sets(PresetList presets) {
  ckks::LoadOptions options;
  for (const char* name : presets) {
    options.accepted_fingerprints.push_back(
        ckks::CkksContext::create(ckks::preset(name))->fingerprint());
  }
  return options;
}

// What a checkpoint must share with the Hello of the session that resumes from it: the run's
// settings, the CKKS preset and the client's key id (the encrypted layer is only usable under the
// same secret key). The parameters' fingerprint is added from the context itself.
const std::vector<std::string> kHeIdentity{"protocol",     "seed",       "server_lr",   "features",
                                           "classes",      "batch_size", "ckks_preset", "flood",
                                           "server_layer", kKeyIdField};

std::string hex(std::span<const std::uint8_t> bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// An unsigned counter from a checkpoint's marker.
std::uint64_t counter(const CheckpointFields& fields, const std::string& key,
                      const std::filesystem::path& folder) {
  const auto it = fields.find(key);
  std::uint64_t value = 0;
  if (it == fields.end() ||
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), value).ptr !=
          it->second.data() + it->second.size() ||
      it->second.empty()) {
    throw std::runtime_error("checkpoint " + folder.string() + ": no unsigned \"" + key + "\"");
  }
  return value;
}

// The layout of the announced shape, or a refusal naming the limit the ring sets.
packing::SplitLayout checked_layout(const ckks::CkksContext& context, std::int64_t features,
                                    std::int64_t classes) {
  try {
    return packing::SplitLayout(context.slot_count(), static_cast<std::size_t>(features),
                                static_cast<std::size_t>(classes));
  } catch (const std::invalid_argument& e) {
    throw TransportError(std::string("hello: ") + e.what());
  }
}

// Everything the server holds of the client's CKKS material: parameters and public keys only.
struct ServerKeys {
  std::shared_ptr<const ckks::CkksContext> context;
  ckks::RelinKeys relin;
  ckks::GaloisKeys galois;
  std::optional<ckks::Encryptor> public_encryptor;  // sealed with flooding
};

ServerKeys load_server_keys(const Message& hello, bool need_public_key, PresetList presets) {
  const Blob* blob = nullptr;
  for (const Blob& b : hello.blobs) {
    if (b.name == kPublicContextBlob) blob = &b;
  }
  if (blob == nullptr || hello.blobs.size() != 1) {
    throw TransportError("hello: expected exactly one \"" + std::string(kPublicContextBlob) +
                         "\" blob");
  }
  ckks::PublicContext pc;
  try {
    pc = ckks::load_public_context(
        {reinterpret_cast<const std::uint8_t*>(blob->bytes.data()), blob->bytes.size()},
        served_parameter_sets(presets));
  } catch (const std::exception& e) {
    // Name both sides' parameter sets: the client's preset (from its Hello) and the server's.
    std::string served;
    for (const char* name : presets) served += (served.empty() ? "" : ", ") + std::string(name);
    const auto preset = hello.fields.find("ckks_preset");
    throw TransportError(std::string("hello: public context refused: ") + e.what() +
                         " (client preset \"" +
                         (preset == hello.fields.end() ? std::string("?") : preset->second) +
                         "\"; this server serves " + served + ")");
  }
  if (!pc.relin_keys || !pc.galois_keys) {
    throw TransportError("hello: the public context lacks the relinearisation or Galois keys");
  }
  if (need_public_key && !pc.public_key) {
    throw TransportError("hello: this protocol needs the client's public key");
  }
  ServerKeys keys{pc.context, ckks::expand_relin_keys(*pc.context, *pc.relin_keys),
                  ckks::expand_galois_keys(*pc.context, *pc.galois_keys), std::nullopt};
  if (pc.public_key) {
    keys.public_encryptor.emplace(pc.context, ckks::expand_public_key(*pc.context, *pc.public_key));
  }
  return keys;
}

std::vector<double> to_doubles(const nn::FloatTensor& t) {
  return std::vector<double>(t.data.begin(), t.data.end());
}

std::vector<Blob> save_all(const ckks::CkksContext& context,
                           const std::vector<ckks::Ciphertext>& ciphertexts) {
  std::vector<ckks::Bytes> bytes;
  for (const ckks::Ciphertext& c : ciphertexts) bytes.push_back(ckks::save(context, c));
  return to_blobs(bytes);
}

void add_counts(Message& reply, const packing::KeySwitchCount& count) {
  reply.fields["rotations"] = std::to_string(count.rotations);
  reply.fields["relinearizations"] = std::to_string(count.relinearizations);
}

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
        initial_(features_, classes_, parse_unsigned(hello, "seed"), eta_),
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
    const std::uint64_t rows = parse_unsigned(message, "rows");
    if (rows < 1 || rows > static_cast<std::uint64_t>(options_.max_rows)) {
      throw TransportError("protocol error: " + describe(message) + ": rows must be in [1, " +
                           std::to_string(options_.max_rows) + "]");
    }
    return ciphertexts_for(static_cast<std::size_t>(rows), layout_.samples_per_ciphertext());
  }
  std::size_t rows_of(const Message& message) const {
    return static_cast<std::size_t>(parse_unsigned(message, "rows"));
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

// ---------------------------------------------------------------------------------------------
// sealed: W0 + Enc(Delta), ciphertexts in both passes.
class SealedServer final : public HeServerBase {
 public:
  SealedServer(Transport& transport, const Message& hello, const ServerOptions& options)
      : HeServerBase(transport, hello, options, kSealedProtocol, hello.field("flood") == "1",
                     kSealedPresets),
        flood_(hello.field("flood") == "1"),
        frozen_(hello.field("server_layer") == "frozen"),
        layer_(keys_.context, layout_, to_doubles(initial_.weight()), to_doubles(initial_.bias()),
               {kActivationScale, kGradientScale}) {
    if (hello.field("server_layer") != "encrypted" && !frozen_) {
      throw TransportError("hello: server_layer must be encrypted or frozen");
    }
  }

 private:
  // --flood: add a fresh public-key encryption of zero (re-randomises the ciphertext) and uniform
  // slot noise of 2^-20. This is not statistical circuit privacy: the terms that depend on W are
  // about 2^-25.5, so the margin is ~2^5.5 where smudging needs ~2^40 (docs/security.md,
  // "--flood"); in a two-party run the client knows W0 (its seed) and Delta (its data) anyway.
  void flood(ckks::Ciphertext& c) const {
    evaluator_.add_inplace(c, keys_.public_encryptor->encrypt_zero(c.level, c.scale));
    ckks::Prng prng;
    std::vector<double> noise(layout_.slot_count());
    for (double& v : noise) {
      const double unit = static_cast<double>(prng.next_u64() >> 11) * 0x1.0p-53;  // [0, 1)
      v = (2.0 * unit - 1.0) * 0x1.0p-20;
    }
    evaluator_.add_plain_inplace(c, encoder_.encode(noise, c.scale, c.level));
  }

  std::vector<ckks::Ciphertext> answer(const Message& message, packing::KeySwitchCount& count) {
    const std::vector<ckks::Ciphertext> a = receive_ciphertexts(
        context(), message, ciphertext_count(message), context().max_level(), kActivationScale);
    std::vector<ckks::Ciphertext> z = logits(layer_, a, shifted_, count);
    if (flood_) {
      for (ckks::Ciphertext& c : z) flood(c);
    }
    return z;
  }

  void on_activations(const Message& message) override {
    packing::KeySwitchCount count = unreported_;
    unreported_ = {};
    std::vector<ckks::Ciphertext> z = answer(message, count);
    pending_ = BatchId{message.epoch, message.batch};
    pending_rows_ = rows_of(message);
    Message reply{MessageKind::kLogits,  message.epoch, message.batch, {}, {},
                  save_all(context(), z)};
    add_counts(reply, count);
    transport_.send(reply);
  }

  void on_logit_grads(const Message& message) override {
    check_pending(message);
    if (rows_of(message) != pending_rows_) {
      throw TransportError("protocol error: " + describe(message) + " has " +
                           std::to_string(rows_of(message)) + " rows, the activations had " +
                           std::to_string(pending_rows_));
    }
    const std::vector<ckks::Ciphertext> g = receive_ciphertexts(
        context(), message, ciphertext_count(message), context().max_level(), kGradientScale);
    packing::KeySwitchCount count;
    std::vector<ckks::Ciphertext> da;
    for (const ckks::Ciphertext& c : g) {
      da.push_back(layer_.backward(c, eval_keys(), count, &pool_));
      if (flood_) flood(da.back());
    }
    Message reply{MessageKind::kInputGrads, message.epoch, message.batch, {}, {},
                  save_all(context(), da)};
    add_counts(reply, count);
    transport_.send(reply);
    // After the reply: the client's backward pass overlaps with the update. Its key switches are
    // reported with the next reply.
    if (!frozen_) layer_.update(shifted_, g, eval_keys(), unreported_, &pool_);
    pending_.reset();
  }

  void on_eval(const Message& message) override {
    packing::KeySwitchCount ignored;
    std::vector<packing::ShiftedActivations> shifted;
    const std::vector<ckks::Ciphertext> a = receive_ciphertexts(
        context(), message, ciphertext_count(message), context().max_level(), kActivationScale);
    std::vector<ckks::Ciphertext> z = logits(layer_, a, shifted, ignored);
    if (flood_) {
      for (ckks::Ciphertext& c : z) flood(c);
    }
    transport_.send(Message{
        MessageKind::kEvalLogits, message.epoch, message.batch, {}, {}, save_all(context(), z)});
  }

  void on_goodbye(const Message& /*message*/) override {
    if (options_.checkpoint_dir) save_state(*options_.checkpoint_dir);
  }

  // W0, b0 and Enc(Delta), Enc(delta): the trained state is the ciphertexts.
  void save_state(const std::filesystem::path& folder) const override {
    SealedLayerState state;
    state.classes = static_cast<std::uint32_t>(classes_);
    state.features = static_cast<std::uint32_t>(features_);
    state.w0 = initial_.weight().data;
    state.b0 = initial_.bias().data;
    state.delta = layer_.delta_diagonals();
    state.delta.push_back(layer_.delta_bias());
    save_sealed_layer(folder / kSealedLayerFile, context(), state);
  }

  // The key switches of the last update, reported with the next reply.
  CheckpointFields state_fields() const override {
    return {{"unreported_rotations", std::to_string(unreported_.rotations)},
            {"unreported_relinearizations", std::to_string(unreported_.relinearizations)}};
  }

  void restore_state(const std::filesystem::path& folder, const CheckpointFields& fields) override {
    const std::filesystem::path file = folder / kSealedLayerFile;
    SealedLayerState state = load_sealed_layer(file, context());
    // W0, b0 follow from the seed (checked against the checkpoint): a mismatch is a foreign file.
    if (state.classes != static_cast<std::uint32_t>(classes_) ||
        state.features != static_cast<std::uint32_t>(features_) ||
        state.w0 != initial_.weight().data || state.b0 != initial_.bias().data ||
        state.delta.size() != layout_.shifts() + 1) {
      throw std::runtime_error(
          "checkpoint " + file.string() +
          ": not the layer of this run (sizes, W0 or ciphertext count differ)");
    }
    ckks::Ciphertext bias = std::move(state.delta.back());
    state.delta.pop_back();
    try {
      layer_.set_state(std::move(state.delta), std::move(bias));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("checkpoint " + file.string() + ": " + e.what());
    }
    unreported_.rotations = counter(fields, "unreported_rotations", folder);
    unreported_.relinearizations = counter(fields, "unreported_relinearizations", folder);
  }

  bool flood_;
  bool frozen_;
  packing::EncryptedSplitLayer layer_;
  packing::KeySwitchCount unreported_;
};

// ---------------------------------------------------------------------------------------------
// paper: the artifact's information flow with our packing and CKKS.
class PaperServer final : public HeServerBase {
 public:
  PaperServer(Transport& transport, const Message& hello, const ServerOptions& options)
      : HeServerBase(transport, hello, options, kPaperProtocol, false, kPaperPresets),
        scales_(he_scales(context())),
        codec_(layout_),
        w_(to_doubles(initial_.weight())),
        b_(to_doubles(initial_.bias())) {}

 private:
  std::size_t d() const { return static_cast<std::size_t>(features_); }
  std::size_t c() const { return static_cast<std::size_t>(classes_); }

  // Step 5, second half: the client returned W' + M in the clear; W' = (W' + M) - M.
  void apply_refresh(const Message& message) {
    if (mask_.empty()) {
      if (!message.tensors.empty()) {
        throw TransportError("protocol error: " + describe(message) + " carries a tensor");
      }
      return;
    }
    if (message.tensors.size() != 1 ||
        message.tensors[0].shape != std::vector<std::int64_t>{classes_, features_}) {
      throw TransportError("protocol error: " + describe(message) +
                           " lacks the refreshed W' + M [" + std::to_string(classes_) + ", " +
                           std::to_string(features_) + "]");
    }
    if (options_.adversary == "decryption-oracle") {
      mask_.clear();  // what came back is the client's A, not W' + M: keep W
      return;
    }
    const std::vector<float>& masked = message.tensors[0].data;
    // --record-server-view: W' - W, which the server knows exactly (docs/privacy.md).
    nn::FloatTensor step{{classes_, features_}, std::vector<float>(w_.size())};
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const double before = w_[i];
      w_[i] = static_cast<double>(masked[i]) - mask_[i];
      step.data[i] = static_cast<float>(w_[i] - before);
    }
    if (options_.recorder != nullptr) {
      options_.recorder->computed("weight_step", message.epoch, message.batch, std::move(step));
    }
    mask_.clear();
    layer_.reset();
  }

  const packing::EncryptedSplitLayer& layer() {
    // W0 = the current W, Delta = 0: Enc(Z) = Enc(A) W^T + b.
    if (!layer_)
      layer_.emplace(keys_.context, layout_, w_, b_,
                     packing::EncryptedSplitLayer::Scales{scales_.activations, scales_.gradients});
    return *layer_;
  }

  void on_activations(const Message& message) override {
    apply_refresh(message);
    const std::vector<ckks::Ciphertext> a = receive_ciphertexts(
        context(), message, ciphertext_count(message), context().max_level(), scales_.activations);
    packing::KeySwitchCount count;
    const std::vector<ckks::Ciphertext> z = logits(layer(), a, shifted_, count);
    pending_ = BatchId{message.epoch, message.batch};
    pending_rows_ = rows_of(message);
    if (options_.adversary == "decryption-oracle") oracle_a_ = a;
    Message reply{MessageKind::kLogits,  message.epoch, message.batch, {}, {},
                  save_all(context(), z)};
    add_counts(reply, count);
    transport_.send(reply);
  }

  // Diagonal t of a classes x features matrix in the packing's layout (every block the same).
  packing::SlotVector diagonal(const std::vector<double>& m, std::size_t t) const {
    packing::SlotVector v(layout_.slot_count());
    for (std::size_t p = 0; p < layout_.block_size(); ++p) {
      const int row = layout_.row_at(p);
      if (row < 0) continue;
      const double value = m[static_cast<std::size_t>(row) * d() + layout_.feature_at(p, t)];
      for (std::size_t b = 0; b < layout_.blocks(); ++b) v[b * layout_.block_size() + p] = value;
    }
    return v;
  }

  void on_logit_grads(const Message& message) override {
    check_pending(message);
    const std::size_t rows = pending_rows_;
    if (message.tensors.size() != 1 ||
        message.tensors[0].shape !=
            std::vector<std::int64_t>{static_cast<std::int64_t>(rows), classes_}) {
      throw TransportError("protocol error: " + describe(message) + " lacks G of shape [" +
                           std::to_string(rows) + ", " + std::to_string(classes_) + "]");
    }
    const std::vector<float>& g = message.tensors[0].data;
    // Step 3: dL/dA = G W and dL/db in the clear.
    nn::FloatTensor da{{static_cast<std::int64_t>(rows), features_}, {}};
    da.data.resize(rows * d());
    for (std::size_t k = 0; k < rows; ++k) {
      for (std::size_t j = 0; j < d(); ++j) {
        double s = 0.0;
        for (std::size_t i = 0; i < c(); ++i) s += g[k * c() + i] * w_[i * d() + j];
        da.data[k * d() + j] = static_cast<float>(s);
      }
    }
    for (std::size_t k = 0; k < rows; ++k) {
      for (std::size_t i = 0; i < c(); ++i) b_[i] -= eta_ * g[k * c() + i];
    }
    // Enc(-eta dL/dW) = -eta G^T Enc(A): the layer's update (Delta starts at zero in this batch's
    // layer). G is in the clear here, so this is a plaintext x ciphertext product, as in the
    // artifact: eta G enters as the trivial encryption (m, 0), which carries no encryption noise
    // (a public-key encryption at the paper presets' 2^21 would add noise of the order of eta G).
    const std::size_t per = layout_.samples_per_ciphertext();
    std::vector<ckks::Ciphertext> enc_g;
    for (std::size_t first = 0; first < rows; first += per) {
      const std::size_t count = std::min(per, rows - first);
      const std::vector<double> chunk(g.begin() + first * c(), g.begin() + (first + count) * c());
      ckks::Plaintext p = encoder_.encode(codec_.pack_gradients(chunk, count, eta_),
                                          scales_.gradients, context().max_level());
      const std::size_t degree = p.poly.degree();
      enc_g.push_back(ckks::Ciphertext{
          {std::move(p.poly), ckks::RnsPoly(degree, p.level + 1)}, p.level, p.scale});
    }
    packing::KeySwitchCount count;
    layer_->update(shifted_, enc_g, eval_keys(), count, &pool_);
    // Step 5: Enc(W' + M) = Enc(-eta dL/dW) + (W + M), M fresh and uniform in [-1, 1) per entry.
    ckks::Prng prng;
    mask_.resize(w_.size());
    std::vector<double> masked(w_.size());
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const double unit = static_cast<double>(prng.next_u64() >> 11) * 0x1.0p-53;
      mask_[i] = 2.0 * unit - 1.0;
      masked[i] = w_[i] + mask_[i];
    }
    std::vector<ckks::Ciphertext> refresh;
    for (std::size_t t = 0; t < layout_.shifts(); ++t) {
      ckks::Ciphertext r = layer_->delta_diagonals()[t];
      evaluator_.add_plain_inplace(r, encoder_.encode(diagonal(masked, t), r.scale, r.level));
      evaluator_.mod_switch_to_inplace(r, 0);  // the lowest level the client needs
      refresh.push_back(std::move(r));
    }
    if (options_.adversary == "decryption-oracle") refresh = oracle_refresh(message, rows);
    Message reply{MessageKind::kInputGrads,    message.epoch, message.batch, {}, {std::move(da)},
                  save_all(context(), refresh)};
    add_counts(reply, count);
    transport_.send(reply);
    pending_.reset();
  }

  void on_eval(const Message& message) override {
    apply_refresh(message);
    const std::vector<ckks::Ciphertext> a = receive_ciphertexts(
        context(), message, ciphertext_count(message), context().max_level(), scales_.activations);
    packing::KeySwitchCount ignored;
    std::vector<packing::ShiftedActivations> shifted;
    transport_.send(Message{MessageKind::kEvalLogits,
                            message.epoch,
                            message.batch,
                            {},
                            {},
                            save_all(context(), logits(layer(), a, shifted, ignored))});
  }

  void on_goodbye(const Message& message) override {
    apply_refresh(message);
    if (!options_.checkpoint_dir) return;
    nn::FloatTensor w{{classes_, features_}, std::vector<float>(w_.begin(), w_.end())};
    nn::FloatTensor b{{classes_}, std::vector<float>(b_.begin(), b_.end())};
    nn::ServerHead::from_parameters(w, b, eta_).save(*options_.checkpoint_dir / kServerCheckpoint);
  }

  // W and b in the clear, and the mask M of the refresh the client holds (its W' + M rides on the
  // client's next message, which the resumed session receives).
  void save_state(const std::filesystem::path& folder) const override {
    save_vector_file(folder / kPaperWeightFile, w_);
    save_vector_file(folder / kPaperBiasFile, b_);
    save_vector_file(folder / kPaperMaskFile, mask_);
  }

  void restore_state(const std::filesystem::path& folder,
                     const CheckpointFields& /*fields*/) override {
    w_ = load_vector_file(folder / kPaperWeightFile, c() * d());
    b_ = load_vector_file(folder / kPaperBiasFile, c());
    // A checkpoint follows a training batch, whose reply always carries a fresh refresh.
    mask_ = load_vector_file(folder / kPaperMaskFile, c() * d());
    layer_.reset();
  }

  // --adversary decryption-oracle (docs/privacy.md): four ciphertexts made from the client's own
  // Enc(A) in place of the refresh. The client unpacks diagonal t at block position p into entry
  // (row(p), p + t) of "W' + M", so a ciphertext whose block 0 holds sample k in its real part
  // comes back as the whole of a_k. Sample k sits in block (k mod per) / 2 (rotations by multiples
  // of 512, keys the packing has), imaginary part for odd k (times -i: an exact monomial).
  std::vector<ckks::Ciphertext> oracle_refresh(const Message& message, std::size_t rows) {
    const std::size_t per = layout_.samples_per_ciphertext();
    const std::size_t shifts = layout_.shifts();
    const std::size_t first = shifts * (message.batch % ((rows + shifts - 1) / shifts));
    nn::FloatTensor samples{{static_cast<std::int64_t>(shifts)}, {}};
    std::vector<ckks::Ciphertext> out;
    for (std::size_t t = 0; t < shifts; ++t) {
      const std::size_t k = std::min(first + t, rows - 1);
      samples.data.push_back(static_cast<float>(k));
      ckks::Ciphertext x = oracle_a_.at(k / per);
      const std::size_t block = (k % per) / 2;
      for (std::size_t bit = 0; (block >> bit) != 0; ++bit) {
        if (((block >> bit) & 1U) != 0) {
          x = evaluator_.rotate(x, static_cast<int>(layout_.block_size() << bit), keys_.galois);
        }
      }
      if (k % 2 == 1) {
        const std::vector<std::complex<double>> minus_i(layout_.slot_count(), {0.0, -1.0});
        evaluator_.multiply_plain_inplace(x, encoder_.encode(minus_i, 1.0, x.level));
      }
      evaluator_.mod_switch_to_inplace(x, 0);
      out.push_back(std::move(x));
    }
    if (options_.recorder != nullptr) {
      options_.recorder->computed("oracle_samples", message.epoch, message.batch, samples);
    }
    return out;
  }

  HeScales scales_;                         // encoding scales of the client's parameter set
  std::vector<ckks::Ciphertext> oracle_a_;  // the client's Enc(A) of the pending batch
  packing::SplitClientCodec codec_;         // slot arithmetic only (no key)
  std::vector<double> w_;
  std::vector<double> b_;
  std::vector<double> mask_;  // M of the pending refresh (empty: none pending)
  std::optional<packing::EncryptedSplitLayer> layer_;
};

}  // namespace

SessionReport serve_sealed(Transport& transport, const Message& hello,
                           const ServerOptions& options) {
  return SealedServer(transport, hello, options).run();
}

SessionReport serve_paper(Transport& transport, const Message& hello,
                          const ServerOptions& options) {
  return PaperServer(transport, hello, options).run();
}

}  // namespace hesplit::split
