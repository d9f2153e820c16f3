/*
 * Fused kernels of the shim (fused.cpp): a separate header so norms_torch.h stays libtorch's mirror.
 * Same ownership and error rules as norms_torch.h.
 */
#pragma once
#include "norms_torch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y = relu(x) * mask / (1 - p) with mask ~ Bernoulli(1 - p) from a counter-based hash: element j (its
 * logical C*H*W index, whatever the layout) of sample n (dim 0) is kept or dropped by a pure function of
 * (stream, first_sample + n, j), so a batch split at any sample, in any layout and at any thread count,
 * draws the same mask; no generator is read. NaN propagates (relu(NaN) * 0 is NaN, as the stock ops give).
 * A custom autograd function saves only y: dx = dy * (y > 0) / (1 - p). Not training or p == 0: plain relu. */
NT_API nt_status nt_fused_relu_dropout(nt_tensor x, double p, bool train, uint64_t stream, int64_t first_sample,
                                       nt_tensor* out);

/* That mask for a tensor of `shape` (dim 0 = samples), channels-first, on the CPU: 1 / (1 - p) where kept,
 * 0 where dropped, in dtype (float32 or float64). The stock path multiplies relu(x) by it. */
NT_API nt_status nt_dropout_mask(const int64_t* shape, int ndim, double p, uint64_t stream, int64_t first_sample,
                                 int dtype, nt_tensor* out);

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
