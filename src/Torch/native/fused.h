/*
 * Fused kernels of the shim (fused.cpp): a separate header so norms_torch.h stays libtorch's mirror.
 * Same ownership and error rules as norms_torch.h.
 */
#pragma once
#include "norms_torch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y = relu(x) * mask / (1 - p), mask ~ Bernoulli(1 - p) from a counter-based hash seeded by one 64-bit
 * draw from libtorch's default CPU generator (so manual_seed makes it deterministic). A custom autograd
 * function saves only y: dx = dy * (y > 0) / (1 - p). Not training or p == 0: plain relu. */
NT_API nt_status nt_fused_relu_dropout(nt_tensor x, double p, bool train, nt_tensor* out);

/* The mask of the counter-based dropout for a given seed (1 = keep, 0 = drop), as uint8, for tests. */
NT_API nt_status nt_fused_dropout_mask(int64_t numel, double p, uint64_t seed, nt_tensor* out);

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
extern "C" {
#endif
/* Memory layout (layout.cpp). format: 0 = contiguous (NCHW), 1 = channels-last (NHWC strides, 4-d only). */
NT_API nt_status nt_layout_contiguous(nt_tensor t, int format, nt_tensor* out);
NT_API nt_status nt_layout_is_contiguous(nt_tensor t, int format, bool* out);
#ifdef __cplusplus
}
#endif
