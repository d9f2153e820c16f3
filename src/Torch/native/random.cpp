// The default generator (seed, state), random factories, and libtorch's intra-op thread count.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <mutex>
#include "guard.h"

using nt::guard;
using nt::T;
using nt::wrap;

extern "C" {

nt_status nt_random_manual_seed(uint64_t seed) {
  return guard([&] { at::manual_seed(seed); });
}

nt_status nt_random_randn(const int64_t* shape, int ndim, int dtype, int device_type, int device_index,
                          nt_tensor* out) {
  return guard([&] { *out = wrap(at::randn(nt::dims(shape, ndim), nt::options(dtype, device_type, device_index))); });
}

nt_status nt_random_rand(const int64_t* shape, int ndim, int dtype, int device_type, int device_index,
                         nt_tensor* out) {
  return guard([&] { *out = wrap(at::rand(nt::dims(shape, ndim), nt::options(dtype, device_type, device_index))); });
}

nt_status nt_random_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, int device_type,
                            int device_index, nt_tensor* out) {
  return guard([&] {
    *out = wrap(at::randint(low, high, nt::dims(shape, ndim), nt::options(static_cast<int>(at::kLong), device_type,
                                                                          device_index)));
  });
}

nt_status nt_random_randperm(int64_t n, int device_type, int device_index, nt_tensor* out) {
  return guard([&] {
    *out = wrap(at::randperm(n, nt::options(static_cast<int>(at::kLong), device_type, device_index)));
  });
}

// The CPU generator's state as a byte tensor: saved in checkpoints so a resumed run draws the
// same numbers as an uninterrupted one.
nt_status nt_random_get_state(nt_tensor* out) {
  return guard([&] {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    *out = wrap(gen.get_state());
  });
}

nt_status nt_random_set_state(nt_tensor state) {
  return guard([&] {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(T(state));
  });
}

nt_status nt_threads_set(int n) {
  return guard([&] {
    TORCH_CHECK(n >= 1, "thread count must be at least 1, got ", n);
    at::set_num_threads(n);
  });
}

nt_status nt_threads_get(int* out) {
  return guard([&] { *out = at::get_num_threads(); });
}

}
