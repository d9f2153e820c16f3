// The errors and diagnostics family, and the helpers guard.h declares: the thread-local error message, the
// status a c10::Error maps to, and the dtype/device codes every family converts.
#include "norms_torch.h"
#include "guard.h"

namespace nt {

std::atomic<int64_t> live_tensors{0};
static thread_local std::string last_error;

void set_error(const char* message) {
  std::string m = message ? message : "";
  // libtorch appends "Exception raised from ..." source context on a new line; the first lines
  // carry the meaning, the rest is noise for a user.
  auto cut = m.find("\nException raised from");
  if (cut != std::string::npos) m.resize(cut);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  last_error = m;
}

nt_status classify(const c10::Error& e) {
  if (dynamic_cast<const c10::IndexError*>(&e)) return NT_ERR_INDEX;
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e)) return NT_ERR_ENGINE;
  std::string m = e.what_without_backtrace();
  if (m.find("INTERNAL ASSERT FAILED") != std::string::npos) return NT_ERR_ENGINE;
  // Everything else libtorch raises through TORCH_CHECK is a failed precondition on the caller's
  // arguments (shapes, dtypes, devices, values).
  return NT_ERR_ARGUMENT;
}

at::ScalarType dtype(int code) {
  switch (code) {
    case static_cast<int>(at::kByte): return at::kByte;
    case static_cast<int>(at::kLong): return at::kLong;
    case static_cast<int>(at::kFloat): return at::kFloat;
    case static_cast<int>(at::kDouble): return at::kDouble;
    case static_cast<int>(at::kBool): return at::kBool;
    case static_cast<int>(at::kInt): return at::kInt;
    default: throw std::invalid_argument("unsupported dtype code " + std::to_string(code));
  }
}

at::Device device(int type, int index) {
  if (type == static_cast<int>(at::kCPU)) return at::Device(at::kCPU);
  if (type == static_cast<int>(at::kCUDA)) {
    if (!at::hasCUDA()) throw std::invalid_argument("CUDA is not available in this libtorch build or on this machine");
    return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index < 0 ? 0 : index));
  }
  throw std::invalid_argument("unsupported device type " + std::to_string(type));
}

at::TensorOptions options(int dtype_code, int device_type, int device_index) {
  return at::TensorOptions().dtype(dtype(dtype_code)).device(device(device_type, device_index));
}

}  // namespace nt

extern "C" {

const char* nt_error_message(void) { return nt::last_error.c_str(); }

int64_t nt_diag_live_tensors(void) { return nt::live_tensors.load(std::memory_order_relaxed); }

}
