#pragma once
// Bounds the threads LibTorch uses for its kernels (process-wide setting).
namespace hesplit::nn {

// threads <= 0 leaves LibTorch's default.
void set_torch_threads(int threads);

}  // namespace hesplit::nn
