#include "split/protocols/sealed/sealed_server.hpp"

#include "ckks/prng.hpp"
#include "split/protocols/he/he_server_base.hpp"
#include "split/protocols/sealed/sealed_layer_file.hpp"

namespace hesplit::split {

namespace {

using namespace he;

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
    send_logits(message, z, count);
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

}  // namespace

SessionReport serve_sealed(Transport& transport, const Message& hello,
                           const ServerOptions& options) {
  return SealedServer(transport, hello, options).run();
}

}  // namespace hesplit::split
