// Tensor lifetime, creation from and copy to caller memory, properties, conversions.
#include "norms_torch.h"

#include <cstring>
#include "guard.h"

using nt::guard;
using nt::T;
using nt::wrap;

extern "C" {

void nt_tensor_free(nt_tensor t) {
  if (t == nullptr) return;
  delete reinterpret_cast<at::Tensor*>(t);
  nt::live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

nt_status nt_tensor_from_data(const void* data, int64_t nbytes, int dtype, const int64_t* shape, int ndim,
                              int device_type, int device_index, nt_tensor* out) {
  return guard([&] {
    auto cpu = at::empty(nt::dims(shape, ndim), at::TensorOptions().dtype(nt::dtype(dtype)));
    int64_t expected = cpu.numel() * static_cast<int64_t>(cpu.element_size());
    TORCH_CHECK(nbytes == expected, "data holds ", nbytes, " bytes but shape ", cpu.sizes(), " of ",
                cpu.scalar_type(), " needs ", expected);
    if (expected > 0) {
      TORCH_CHECK(data != nullptr, "null data pointer");
      std::memcpy(cpu.data_ptr(), data, static_cast<size_t>(expected));
    }
    *out = wrap(cpu.to(nt::device(device_type, device_index)));
  });
}

nt_status nt_tensor_copy_to(nt_tensor t, void* dst, int64_t nbytes) {
  return guard([&] {
    auto cpu = T(t).detach().to(at::kCPU).contiguous();
    int64_t expected = cpu.numel() * static_cast<int64_t>(cpu.element_size());
    TORCH_CHECK(nbytes == expected, "destination holds ", nbytes, " bytes but the tensor has ", expected);
    if (expected > 0) std::memcpy(dst, cpu.data_ptr(), static_cast<size_t>(expected));
  });
}

nt_status nt_tensor_full(const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index,
                         nt_tensor* out) {
  return guard([&] { *out = wrap(at::full(nt::dims(shape, ndim), value, nt::options(dtype, device_type, device_index))); });
}

nt_status nt_tensor_arange(double start, double end, double step, int dtype, int device_type, int device_index,
                           nt_tensor* out) {
  return guard([&] { *out = wrap(at::arange(start, end, step, nt::options(dtype, device_type, device_index))); });
}

nt_status nt_tensor_ndim(nt_tensor t, int* out) {
  return guard([&] { *out = static_cast<int>(T(t).dim()); });
}

nt_status nt_tensor_shape(nt_tensor t, int64_t* out, int capacity) {
  return guard([&] {
    auto sizes = T(t).sizes();
    TORCH_CHECK(static_cast<int>(sizes.size()) <= capacity, "shape buffer too small");
    for (size_t i = 0; i < sizes.size(); i++) out[i] = sizes[i];
  });
}

nt_status nt_tensor_dtype(nt_tensor t, int* out) {
  return guard([&] { *out = static_cast<int>(T(t).scalar_type()); });
}

nt_status nt_tensor_device(nt_tensor t, int* device_type, int* device_index) {
  return guard([&] {
    auto d = T(t).device();
    *device_type = static_cast<int>(d.type());
    *device_index = d.has_index() ? d.index() : -1;
  });
}

nt_status nt_tensor_numel(nt_tensor t, int64_t* out) {
  return guard([&] { *out = T(t).numel(); });
}

nt_status nt_tensor_item(nt_tensor t, double* out) {
  return guard([&] { *out = T(t).item().toDouble(); });
}

nt_status nt_tensor_to(nt_tensor t, int dtype, int device_type, int device_index, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).to(nt::device(device_type, device_index), nt::dtype(dtype))); });
}

nt_status nt_tensor_clone(nt_tensor t, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).clone()); });
}

nt_status nt_tensor_detach(nt_tensor t, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).detach()); });
}

nt_status nt_tensor_contiguous(nt_tensor t, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).contiguous()); });
}

// In-place writers run without autograd: they initialise and update parameters and state.
nt_status nt_tensor_copy_(nt_tensor dst, nt_tensor src) {
  return guard([&] {
    at::NoGradGuard no_grad;
    const_cast<at::Tensor&>(T(dst)).copy_(T(src));
  });
}

nt_status nt_tensor_fill_(nt_tensor t, double value) {
  return guard([&] {
    at::NoGradGuard no_grad;
    const_cast<at::Tensor&>(T(t)).fill_(value);
  });
}

nt_status nt_tensor_uniform_(nt_tensor t, double low, double high) {
  return guard([&] {
    at::NoGradGuard no_grad;
    const_cast<at::Tensor&>(T(t)).uniform_(low, high);
  });
}

nt_status nt_tensor_normal_(nt_tensor t, double mean, double std) {
  return guard([&] {
    at::NoGradGuard no_grad;
    const_cast<at::Tensor&>(T(t)).normal_(mean, std);
  });
}

}
