#pragma once
// A complete CKKS setup (context, keys, encoder, encryptors, decryptor, evaluator) for tests.

#include <complex>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ckks/decryptor.hpp"
#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/keygen.hpp"
#include "ckks/seeded.hpp"

namespace hesplit::ckks::test {

struct Setup {
  std::shared_ptr<const CkksContext> context;
  KeyGenerator keygen;
  PublicKey public_key;
  RelinKeys relin;
  GaloisKeys galois;
  CkksEncoder encoder;
  Encryptor pk_encryptor;
  Encryptor sk_encryptor;
  Decryptor decryptor;
  Evaluator evaluator;

  Setup(CkksParameters params, std::span<const int> steps, bool conjugation = true)
      : context(CkksContext::create(std::move(params))),
        keygen(context),
        public_key(keygen.create_public_key()),
        relin(keygen.create_relin_keys()),
        galois(keygen.create_galois_keys(steps, conjugation)),
        encoder(context),
        pk_encryptor(context, public_key),
        sk_encryptor(context, keygen.secret_key()),
        decryptor(context, keygen.secret_key()),
        evaluator(context) {}

  Ciphertext encrypt(std::span<const std::complex<double>> values, double scale,
                     std::size_t level) const {
    return pk_encryptor.encrypt(encoder.encode(values, scale, level));
  }
  Ciphertext encrypt(std::span<const std::complex<double>> values) const {
    return encrypt(values, context->default_scale(), context->max_level());
  }
  std::vector<std::complex<double>> decrypt(const Ciphertext& c) const {
    return encoder.decode_complex(decryptor.decrypt(c));
  }
};

}  // namespace hesplit::ckks::test
