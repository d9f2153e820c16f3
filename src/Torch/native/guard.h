// Internal helpers shared by the shim's .cpp files: the one exception guard every export runs
// inside, and conversions between handles and at::Tensor.
#pragma once
#include <ATen/ATen.h>
#include <atomic>
#include <string>
#include "norms_torch.h"

namespace nt {

extern std::atomic<int64_t> live_tensors;

void set_error(const char* message);
nt_status classify(const c10::Error& e);

// Runs f and turns every C++ exception into a status plus a thread-local message, so no exception
// ever crosses the C boundary (that would abort the .NET process).
template <class F>
nt_status guard(F&& f) noexcept {
  try {
    f();
    return NT_OK;
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
    return classify(e);
  } catch (const std::bad_alloc&) {
    set_error("out of memory");
    return NT_ERR_ENGINE;
  } catch (const std::invalid_argument& e) {
    set_error(e.what());
    return NT_ERR_ARGUMENT;
  } catch (const std::out_of_range& e) {
    set_error(e.what());
    return NT_ERR_INDEX;
  } catch (const std::exception& e) {
    set_error(e.what());
    return NT_ERR_ENGINE;
  } catch (...) {
    set_error("unknown C++ exception in libtorch");
    return NT_ERR_ENGINE;
  }
}

inline const at::Tensor& T(nt_tensor h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle");
  return *reinterpret_cast<at::Tensor*>(h);
}

// Optional tensors: a null handle is an undefined at::Tensor (libtorch's "None").
inline c10::optional<at::Tensor> Opt(nt_tensor h) {
  if (h == nullptr) return c10::nullopt;
  return *reinterpret_cast<at::Tensor*>(h);
}

inline nt_tensor wrap(at::Tensor t) {
  auto* p = new at::Tensor(std::move(t));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return reinterpret_cast<nt_tensor>(p);
}

inline at::IntArrayRef dims(const int64_t* p, int n) {
  if (n < 0 || (n > 0 && p == nullptr)) throw std::invalid_argument("invalid dimension list");
  return at::IntArrayRef(p, static_cast<size_t>(n));
}

at::ScalarType dtype(int code);
at::Device device(int type, int index);
at::TensorOptions options(int dtype_code, int device_type, int device_index);

}  // namespace nt
