// The default generator (seed, state), generators of one's own, random factories, and libtorch's intra-op
// thread count.
#include "norms_torch.h"

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

nt_status nt_generator_new(uint64_t seed, nt_generator* out) {
  return guard([&] {
    *out = reinterpret_cast<nt_generator>(new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed)));
  });
}

void nt_generator_free(nt_generator g) { delete reinterpret_cast<at::Generator*>(g); }

nt_status nt_tensor_uniform_with(nt_tensor t, double low, double high, nt_generator g) {
  return guard([&] {
    TORCH_CHECK(g != nullptr, "null generator handle");
    at::NoGradGuard no_grad;
    // uniform_ takes the generator's own lock (so must not be called under it).
    const_cast<at::Tensor&>(T(t)).uniform_(low, high, *reinterpret_cast<at::Generator*>(g));
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
