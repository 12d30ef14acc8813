#include "nn/server_head.hpp"

#include <stdexcept>

#include "nn/checkpoint.hpp"
#include "nn/torch_convert.hpp"

namespace hesplit::nn {

struct ServerHead::Impl {
  torch::Tensor weight;  // classes x features
  torch::Tensor bias;    // classes
  double learning_rate;
  torch::Tensor activations;  // A of the last forward
  torch::Tensor logit_grads;  // G of the last backward

  void check_activations(const torch::Tensor& a) const {
    if (a.dim() != 2 || a.size(1) != weight.size(1)) {
      throw std::invalid_argument("server head expects activations of shape [batch, " +
                                  std::to_string(weight.size(1)) + "]");
    }
  }
};

ServerHead::ServerHead(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ServerHead::ServerHead(std::int64_t features, std::int64_t classes, std::uint64_t seed,
                       double learning_rate)
    : impl_(std::make_unique<Impl>()) {
  if (features <= 0 || classes <= 1) {
    throw std::invalid_argument("server head needs features > 0 and at least two classes");
  }
  at::Generator generator = detail::generator_after_front(seed);
  impl_->weight = torch::empty({classes, features}, torch::kFloat32);
  impl_->bias = torch::empty({classes}, torch::kFloat32);
  impl_->learning_rate = learning_rate;
  detail::init_like_pytorch(impl_->weight, impl_->bias, features, generator);
}

ServerHead::~ServerHead() = default;
ServerHead::ServerHead(ServerHead&&) noexcept = default;
ServerHead& ServerHead::operator=(ServerHead&&) noexcept = default;

FloatTensor ServerHead::forward(const FloatTensor& activations) {
  torch::Tensor a = detail::to_torch(activations);
  impl_->check_activations(a);
  // torch::linear is the op nn.Linear uses, so logits match a single-process PyTorch network.
  const torch::Tensor logits = torch::linear(a, impl_->weight, impl_->bias);
  impl_->activations = std::move(a);
  impl_->logit_grads = torch::Tensor();
  return detail::from_torch(logits);
}

FloatTensor ServerHead::backward(const FloatTensor& logit_grads) {
  if (!impl_->activations.defined()) {
    throw std::logic_error("server head: backward without a forward pass");
  }
  torch::Tensor g = detail::to_torch(logit_grads);
  if (g.dim() != 2 || g.size(0) != impl_->activations.size(0) ||
      g.size(1) != impl_->weight.size(0)) {
    throw std::invalid_argument("server head: logit gradients do not match the last batch");
  }
  const torch::Tensor grad_activations = g.mm(impl_->weight);  // dL/dA = G W
  impl_->logit_grads = std::move(g);
  return detail::from_torch(grad_activations);
}

void ServerHead::step() {
  if (!impl_->logit_grads.defined()) throw std::logic_error("server head: step without backward");
  // Same arithmetic as autograd's linear backward followed by torch.optim.SGD (no momentum).
  const torch::Tensor grad_weight = impl_->logit_grads.t().mm(impl_->activations);
  const torch::Tensor grad_bias = impl_->logit_grads.sum(0);
  impl_->weight.add_(grad_weight, -impl_->learning_rate);
  impl_->bias.add_(grad_bias, -impl_->learning_rate);
  impl_->activations = torch::Tensor();
  impl_->logit_grads = torch::Tensor();
}

FloatTensor ServerHead::infer(const FloatTensor& activations) const {
  const torch::Tensor a = detail::to_torch(activations);
  impl_->check_activations(a);
  return detail::from_torch(torch::linear(a, impl_->weight, impl_->bias));
}

std::int64_t ServerHead::features() const { return impl_->weight.size(1); }
std::int64_t ServerHead::classes() const { return impl_->weight.size(0); }

FloatTensor ServerHead::weight() const { return detail::from_torch(impl_->weight); }
FloatTensor ServerHead::bias() const { return detail::from_torch(impl_->bias); }

ServerHead ServerHead::from_parameters(const FloatTensor& weight, const FloatTensor& bias,
                                       double learning_rate) {
  if (weight.shape.size() != 2 || bias.shape.size() != 1 || bias.shape[0] != weight.shape[0] ||
      weight.shape[0] < 2 || weight.shape[1] < 1) {
    throw std::invalid_argument(
        "server head: parameters need shapes [classes, features], [classes]");
  }
  auto impl = std::make_unique<Impl>();
  impl->weight = detail::to_torch(weight).clone();
  impl->bias = detail::to_torch(bias).clone();
  impl->learning_rate = learning_rate;
  return ServerHead(std::move(impl));
}

void ServerHead::save(const std::filesystem::path& file) const {
  detail::save_state_dict(file, {{"weight", impl_->weight}, {"bias", impl_->bias}},
                          detail::FileAccess::kShared);
}

ServerHead ServerHead::load(const std::filesystem::path& file, double learning_rate) {
  const auto state = detail::load_state_dict(file);
  const auto weight_it = state.find("weight");
  if (weight_it == state.end() || weight_it->second.dim() != 2) {
    throw std::runtime_error("checkpoint " + file.string() + " lacks a 2-D \"weight\"");
  }
  const auto classes = weight_it->second.size(0);
  const auto features = weight_it->second.size(1);
  auto impl = std::make_unique<Impl>();
  impl->weight = detail::take(state, "weight", {classes, features}, file);
  impl->bias = detail::take(state, "bias", {classes}, file);
  impl->learning_rate = learning_rate;
  return ServerHead(std::move(impl));
}

}  // namespace hesplit::nn
