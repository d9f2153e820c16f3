// libtorch's (legacy) autograd profiler around a stretch of work: every ATen op the calling thread runs,
// written as a Chrome trace (chrome://tracing, or bench/profile_summary.py for self time per op).
#include "norms_torch.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <memory>
#include <mutex>

#include "guard.h"

namespace {
std::mutex profile_mutex;
std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
}  // namespace

extern "C" {

nt_status nt_profiler_start(const char* path) {
  return nt::guard([&] {
    TORCH_CHECK(path != nullptr, "null trace path");
    std::lock_guard<std::mutex> lock(profile_mutex);
    TORCH_CHECK(!profile, "the profiler is already running");
    profile = std::make_unique<torch::autograd::profiler::RecordProfile>(std::string(path));
  });
}

// Stops the profiler and writes the trace.
nt_status nt_profiler_stop(void) {
  return nt::guard([&] {
    std::lock_guard<std::mutex> lock(profile_mutex);
    TORCH_CHECK(profile, "the profiler is not running");
    profile.reset();
  });
}

}
