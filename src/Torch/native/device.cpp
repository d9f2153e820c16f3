// Which devices the linked libtorch can use.
#include "norms_torch.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include "guard.h"

using nt::guard;

extern "C" {

nt_status nt_device_cuda_available(bool* out) {
  return guard([&] { *out = at::hasCUDA(); });
}

nt_status nt_device_cuda_count(int* out) {
  return guard([&] { *out = at::hasCUDA() ? static_cast<int>(at::detail::getCUDAHooks().getNumGPUs()) : 0; });
}

}
