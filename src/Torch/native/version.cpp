// Which libtorch the shim was compiled against, so a result can say what computed it.
#include "norms_torch.h"
#include "guard.h"

// The C++ API's header carries TORCH_VERSION; a libtorch without it (an old or stripped build) is "unknown"
// rather than a build failure. Debian's 1.13.1 package says "1.13.0" here: its headers were not bumped.
#if __has_include(<torch/version.h>)
#include <torch/version.h>
#endif
#ifndef TORCH_VERSION
#define TORCH_VERSION "unknown"
#endif

using nt::guard;

extern "C" {

nt_status nt_version_libtorch(const char** out) {
  return guard([&] { *out = TORCH_VERSION; });
}

}
