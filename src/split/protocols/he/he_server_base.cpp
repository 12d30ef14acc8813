#include "split/protocols/he/he_server_base.hpp"

#include "ckks/params.hpp"
#include "ckks/seeded.hpp"
#include "ckks/serial_public_context.hpp"

namespace hesplit::split::he {

ckks::LoadOptions served_parameter_sets(PresetList presets) {
  ckks::LoadOptions options;
  for (const char* name : presets) {
    options.accepted_fingerprints.push_back(
        ckks::CkksContext::create(ckks::preset(name))->fingerprint());
  }
  return options;
}

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

}  // namespace hesplit::split::he
