#pragma once
// How a caller lends its threads to the library: a function that runs body(i) for every
// i < count (in any order, possibly concurrently) and returns when all calls are done. The library
// owns no threads and keeps no pool (no global state); a caller without threads passes nothing.

#include <cstddef>
#include <functional>

namespace hesplit::ckks {

using ParallelFor =
    std::function<void(std::size_t count, const std::function<void(std::size_t)>& body)>;

}  // namespace hesplit::ckks
