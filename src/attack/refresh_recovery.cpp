#include "attack/refresh_recovery.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

#include "attack/dcor_dtw.hpp"
#include "attack/similarity.hpp"

namespace hesplit::attack {

namespace {

torch::Tensor to_double(const nn::FloatTensor& t) {
  return torch::from_blob(const_cast<float*>(t.data.data()), t.shape, torch::kFloat32)
      .to(torch::kFloat64);
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * double(v.size())))];
}

}  // namespace

RefreshRecovery refresh_recovery(const std::vector<RefreshBatch>& batches, double eta) {
  if (!(eta > 0))
    throw std::invalid_argument("refresh recovery: the server learning rate must be > 0");
  RefreshRecovery out;
  for (const RefreshBatch& b : batches) {
    const torch::Tensor g = to_double(b.logit_grads);          // B x c
    const torch::Tensor dw = -to_double(b.weight_step) / eta;  // c x d = G^T A (+ noise)
    const torch::Tensor a = to_double(b.true_activations);     // B x d
    if (g.size(0) != a.size(0) || g.size(1) != dw.size(0) || dw.size(1) != a.size(1)) {
      throw std::invalid_argument("refresh recovery: shapes of G, W' - W and A do not match");
    }
    // Minimum-norm solution of G^T X = dL/dW; equals (G G^T)^{-1} G dL/dW when G has full row
    // rank. The relative cut-off drops the direction the zero row sums make (numerically tiny).
    const torch::Tensor a_hat = torch::linalg_pinv(g.t(), 1e-6).matmul(dw);
    out.relative_errors.push_back((a_hat - a).norm().item<double>() / a.norm().item<double>());
    for (std::int64_t k = 0; k < a.size(0); ++k) {
      const torch::Tensor x = a[k].contiguous(), y = a_hat[k].contiguous();
      const std::span<const double> xs(x.data_ptr<double>(), std::size_t(x.numel()));
      const std::span<const double> ys(y.data_ptr<double>(), std::size_t(y.numel()));
      out.pearsons.push_back(pearson(xs, ys));
    }
  }
  out.batches = out.relative_errors.size();
  out.samples = out.pearsons.size();
  out.median_relative_error = median(out.relative_errors);
  out.relative_error_q1 = quantile(out.relative_errors, 0.25);
  out.relative_error_q3 = quantile(out.relative_errors, 0.75);
  out.median_pearson = median(out.pearsons);
  out.pearson_q1 = quantile(out.pearsons, 0.25);
  out.pearson_q3 = quantile(out.pearsons, 0.75);
  return out;
}

}  // namespace hesplit::attack
