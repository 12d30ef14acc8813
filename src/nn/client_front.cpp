#include "nn/client_front.hpp"

#include <stdexcept>

#include "nn/checkpoint.hpp"
#include "nn/torch_convert.hpp"

namespace hesplit::nn {

namespace {

torch::nn::Sequential make_front() {
  namespace tnn = torch::nn;
  return tnn::Sequential(tnn::Conv1d(tnn::Conv1dOptions(1, 16, 7).padding(3)),  // 0
                         tnn::LeakyReLU(),                                      // 1
                         tnn::MaxPool1d(2),                                     // 2
                         tnn::Conv1d(tnn::Conv1dOptions(16, 8, 5).padding(2)),  // 3
                         tnn::LeakyReLU(),                                      // 4
                         tnn::MaxPool1d(2),                                     // 5
                         tnn::Flatten());                                       // 6
}

// Parameter names of the two convolutions in nn.Sequential numbering.
constexpr const char* kConvWeights[] = {"0.weight", "3.weight"};
constexpr const char* kConvBiases[] = {"0.bias", "3.bias"};

void check_beats(std::span<const float> beats, std::size_t count) {
  if (beats.size() != count * static_cast<std::size_t>(kInputLength)) {
    throw std::invalid_argument("client front expects " + std::to_string(count) + " x " +
                                std::to_string(kInputLength) + " samples, got " +
                                std::to_string(beats.size()));
  }
}

}  // namespace

struct ClientFront::Impl {
  torch::nn::Sequential front = make_front();
  torch::optim::Adam optimizer;
  torch::Tensor last_output;  // graph of the last training forward

  explicit Impl(double learning_rate)
      : optimizer(front->parameters(), torch::optim::AdamOptions(learning_rate)) {}
};

ClientFront::ClientFront(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ClientFront::ClientFront(std::uint64_t seed, double learning_rate)
    : impl_(std::make_unique<Impl>(learning_rate)) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto parameters = impl_->front->named_parameters();
  const auto& shapes = detail::front_conv_shapes();
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    torch::Tensor weight = parameters[kConvWeights[i]];
    torch::Tensor bias = parameters[kConvBiases[i]];
    detail::init_like_pytorch(weight, bias, shapes[i].fan_in, generator);
  }
}

ClientFront::~ClientFront() = default;
ClientFront::ClientFront(ClientFront&&) noexcept = default;
ClientFront& ClientFront::operator=(ClientFront&&) noexcept = default;

FloatTensor ClientFront::forward(std::span<const float> beats, std::size_t batch) {
  check_beats(beats, batch);
  const torch::Tensor input =
      detail::to_torch(beats, {static_cast<std::int64_t>(batch), 1, kInputLength});
  impl_->last_output = impl_->front->forward(input);
  return detail::from_torch(impl_->last_output);
}

void ClientFront::backward_and_step(const FloatTensor& grad_activations) {
  if (!impl_->last_output.defined()) {
    throw std::logic_error("client front: backward without a forward pass");
  }
  const torch::Tensor grad = detail::to_torch(grad_activations);
  if (grad.sizes() != impl_->last_output.sizes()) {
    throw std::invalid_argument("client front: gradient shape does not match the activations");
  }
  impl_->optimizer.zero_grad();
  impl_->last_output.backward(grad);
  impl_->optimizer.step();
  impl_->last_output = torch::Tensor();
}

FloatTensor ClientFront::infer(std::span<const float> beats, std::size_t count) const {
  check_beats(beats, count);
  torch::NoGradGuard no_grad;
  const torch::Tensor input =
      detail::to_torch(beats, {static_cast<std::int64_t>(count), 1, kInputLength});
  return detail::from_torch(impl_->front->forward(input));
}

void ClientFront::save(const std::filesystem::path& file) const {
  std::map<std::string, torch::Tensor> state;
  for (const auto& item : impl_->front->named_parameters()) state.emplace(item.key(), item.value());
  detail::save_state_dict(file, state, detail::FileAccess::kOwnerOnly);
}

ClientFront ClientFront::load(const std::filesystem::path& file, double learning_rate) {
  const auto state = detail::load_state_dict(file);
  auto impl = std::make_unique<Impl>(learning_rate);
  torch::NoGradGuard no_grad;
  auto parameters = impl->front->named_parameters();
  const auto& shapes = detail::front_conv_shapes();
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    parameters[kConvWeights[i]].copy_(detail::take(state, kConvWeights[i], shapes[i].weight, file));
    parameters[kConvBiases[i]].copy_(
        detail::take(state, kConvBiases[i], {shapes[i].out_channels}, file));
  }
  return ClientFront(std::move(impl));
}

namespace {

// Adam's step count travels as a float32 scalar tensor (state dicts here hold float tensors);
// exact up to 2^24 steps, far beyond a training run.
constexpr double kMaxExactStep = 16777216.0;

}  // namespace

void ClientFront::save_optimizer(const std::filesystem::path& file) const {
  std::map<std::string, torch::Tensor> state;
  auto& per_parameter = impl_->optimizer.state();
  for (const auto& item : impl_->front->named_parameters()) {
    const auto it = per_parameter.find(c10::guts::to_string(item.value().unsafeGetTensorImpl()));
    if (it == per_parameter.end()) continue;  // no step taken yet
    const auto& adam = static_cast<const torch::optim::AdamParamState&>(*it->second);
    if (static_cast<double>(adam.step()) > kMaxExactStep) {
      throw std::runtime_error("client front: Adam step count too large to checkpoint");
    }
    state.emplace("adam." + item.key() + ".exp_avg", adam.exp_avg());
    state.emplace("adam." + item.key() + ".exp_avg_sq", adam.exp_avg_sq());
    state.emplace("adam." + item.key() + ".step",
                  torch::full({1}, static_cast<float>(adam.step()), torch::kFloat32));
  }
  detail::save_state_dict(file, state, detail::FileAccess::kOwnerOnly);
}

void ClientFront::load_optimizer(const std::filesystem::path& file) {
  const auto state = detail::load_state_dict(file);
  auto& per_parameter = impl_->optimizer.state();
  per_parameter.clear();
  for (const auto& item : impl_->front->named_parameters()) {
    const std::string prefix = "adam." + item.key();
    if (state.count(prefix + ".step") == 0) continue;  // saved before the first step
    auto adam = std::make_unique<torch::optim::AdamParamState>();
    const torch::Tensor step = detail::take(state, prefix + ".step", {1}, file);
    const double steps = step.item<float>();
    if (!(steps >= 1.0 && steps <= kMaxExactStep) ||
        steps != static_cast<double>(static_cast<std::int64_t>(steps))) {
      throw std::runtime_error("checkpoint " + file.string() + ": \"" + prefix +
                               ".step\" is not a step count");
    }
    adam->step(static_cast<std::int64_t>(steps));
    adam->exp_avg(detail::take(state, prefix + ".exp_avg", item.value().sizes(), file));
    adam->exp_avg_sq(detail::take(state, prefix + ".exp_avg_sq", item.value().sizes(), file));
    per_parameter[c10::guts::to_string(item.value().unsafeGetTensorImpl())] = std::move(adam);
  }
}

}  // namespace hesplit::nn
