// Keeps freed activation buffers in the process instead of handing them back to the kernel.
//
// Why: glibc serves allocations above M_MMAP_THRESHOLD (128 KiB, adapting up to a point) with a fresh
// mmap and returns them with munmap on free, and trims the heap top above M_TRIM_THRESHOLD. A training
// step allocates and frees the same few-MB activations and gradients every step, so every step paid
// page faults and zeroing for all of them (a quarter to a half of a small CNN's step on this machine,
// measured with perf: kernel time in the page-fault path). With a 32 MiB mmap threshold (glibc's
// maximum) and no trimming, the second step on reuses the heap's pages. Peak RSS grows by at most the
// largest step's working set, which the process needs anyway.
// Off with NORMS_FUSED=0 (everything stock) or NORMS_MALLOC_TUNE=0, read when the library loads.
#include <malloc.h>
#include <cstdlib>
#include <cstring>

namespace {

bool is_off(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && std::strcmp(v, "0") == 0;
}

__attribute__((constructor)) void nt_tune_malloc() {
  if (is_off("NORMS_FUSED") || is_off("NORMS_MALLOC_TUNE")) return;
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
}

}  // namespace
