#pragma once
// Server side of the sealed split layer (docs/packing.md): W = W0 + Delta with W0, b0 in the clear
// and Delta, delta encrypted under the client's key, in the "sample pairs, duplicated features"
// layout. Forward (Z = A W^T + b), backward (eta dL/dA = eta G W) and the SGD update
// (Delta -= eta G^T A, delta -= eta sum_k g_k) on ciphertexts only; this class never sees a
// secret key.
//
// Levels (L = context max level, >= 2): A and eta*G arrive fresh at level L; Delta and delta live
// at level L - 1 forever; Z and eta*dA leave at level 0.

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/keys.hpp"
#include "ckks/plaintext.hpp"
#include "packing/key_switch_count.hpp"
#include "packing/layout.hpp"
#include "packing/worker_pool.hpp"

namespace hesplit::packing {

struct SplitEvalKeys {
  const ckks::RelinKeys& relin;
  const ckks::GaloisKeys& galois;
};

// A at level L and its hoisted shifts by 1..S-1 slots (index t = shift), kept from the forward to
// the update of the same batch.
struct ShiftedActivations {
  std::vector<ckks::Ciphertext> shifted;
};

class EncryptedSplitLayer {
 public:
  struct Scales {
    double activations = 0.0;  // scale of Enc(A)
    double gradients = 0.0;    // scale of Enc(eta G)
  };

  // w0: classes x features (row-major), b0: classes. Delta and delta start as transparent zeros.
  EncryptedSplitLayer(std::shared_ptr<const ckks::CkksContext> context, SplitLayout layout,
                      std::span<const double> w0, std::span<const double> b0, Scales scales);

  // The scales the parameters and Scales fix, without W0: Delta's and delta's, and those of the
  // replies Enc(Z) and Enc(eta dL/dA) (at level 0). A client checks the server's replies and
  // layer file against them: decryption decodes with the ciphertext's own scale, so a crafted
  // scale would make the client decode anything.
  struct StateScales {
    double delta = 0.0;
    double bias = 0.0;
    double logits = 0.0;
    double input_gradients = 0.0;
  };
  static StateScales state_scales(const ckks::CkksContext& context, Scales scales);

  const SplitLayout& layout() const noexcept { return layout_; }
  // Scale of the Delta diagonals and of the logits (both fixed by the parameters and Scales).
  double delta_scale() const noexcept { return delta_scale_; }
  double bias_scale() const noexcept { return bias_scale_; }

  // Encrypted state (for saving, restoring and the client's release/tests).
  const std::vector<ckks::Ciphertext>& delta_diagonals() const noexcept { return delta_; }
  const ckks::Ciphertext& delta_bias() const noexcept { return delta_bias_; }
  // Validates levels and scales; throws std::invalid_argument.
  void set_state(std::vector<ckks::Ciphertext> delta_diagonals, ckks::Ciphertext delta_bias);

  // Every step takes an optional pool: independent pieces (diagonals, products) then run on its
  // threads, and the shifts and the forward's chain of key switches split each key switch over
  // them (key_switch.hpp). Results do not depend on the pool (bit-identical).

  // Step 2a: hoisted shifts of one Enc(A) (S - 1 key switches).
  ShiftedActivations shift(const ckks::Ciphertext& a, const SplitEvalKeys& keys,
                           KeySwitchCount& count, WorkerPool* pool = nullptr) const;
  // Step 2b: Enc(Z) at level 0 (1 relinearisation + log2(w/S) rotations). A chain of key
  // switches: with a pool, the threads share each key switch.
  ckks::Ciphertext forward(const ShiftedActivations& a, const SplitEvalKeys& keys,
                           KeySwitchCount& count, WorkerPool* pool = nullptr) const;
  // Step 4: Enc(eta dL/dA) at level 0 from one Enc(eta G) (S relinearisations + S - 1 rotations).
  ckks::Ciphertext backward(const ckks::Ciphertext& g, const SplitEvalKeys& keys,
                            KeySwitchCount& count, WorkerPool* pool = nullptr) const;
  // Step 5: Delta -= eta G^T A, delta -= eta sum_k g_k over every ciphertext of the batch
  // (activations[c] pairs with gradients[c]).
  void update(std::span<const ShiftedActivations> activations,
              std::span<const ckks::Ciphertext> gradients, const SplitEvalKeys& keys,
              KeySwitchCount& count, WorkerPool* pool = nullptr);
  // Steps 4 and 5 together for a batch of one ciphertext pair (the backward reads Delta before
  // this update): all 2S + 1 independent pieces in one parallel loop, heaviest first, so two
  // threads stay busy. Same results and key switches as backward() then update().
  ckks::Ciphertext backward_and_update(const ShiftedActivations& activations,
                                       const ckks::Ciphertext& gradients, const SplitEvalKeys& keys,
                                       KeySwitchCount& count, WorkerPool* pool = nullptr);

 private:
  // The update of diagonal t (relinearised, rescaled, traced; 1 + log2(blocks) + 1 key switches).
  ckks::Ciphertext diagonal_step(std::size_t t, std::span<const ShiftedActivations> activations,
                                 std::span<const ckks::Ciphertext> gradients,
                                 const SplitEvalKeys& keys) const;
  // The bias update in window layout (the trace: log2(blocks) + 1 key switches).
  ckks::Ciphertext bias_step(std::span<const ckks::Ciphertext> gradients,
                             const SplitEvalKeys& keys) const;
  // Backward term t: rot(G (W0_t + Delta_t), -t), one level below G's (1 or 2 key switches).
  ckks::Ciphertext backward_term(std::size_t t, const ckks::Ciphertext& g,
                                 const SplitEvalKeys& keys) const;
  // Delta_t -= steps[t] (t < shifts), delta -= steps[shifts]; one task each.
  void subtract_steps(std::span<const ckks::Ciphertext> steps, WorkerPool* pool);
  void check_input(const ckks::Ciphertext& c, double scale, const char* what) const;

  std::shared_ptr<const ckks::CkksContext> context_;
  ckks::Evaluator evaluator_;
  SplitLayout layout_;
  Scales scales_;
  std::size_t top_level_;
  double delta_scale_;
  double bias_scale_;
  std::vector<ckks::Plaintext> w0_diagonals_;  // level L-1, scale delta_scale_
  ckks::Plaintext b0_;                         // level L-1, scale bias_scale_
  ckks::Plaintext imaginary_unit_;             // i in every slot, scale 1, level L-1
  std::vector<ckks::Ciphertext> delta_;        // level L-1, scale delta_scale_
  ckks::Ciphertext delta_bias_;                // level L-1, scale bias_scale_, window layout
};

}  // namespace hesplit::packing
