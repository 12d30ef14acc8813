#include "nn/torch_threads.hpp"

#include <ATen/Parallel.h>

namespace hesplit::nn {

void set_torch_threads(int threads) {
  if (threads > 0) at::set_num_threads(threads);
}

}  // namespace hesplit::nn
