// Convolution, pooling, activations, dropout and losses.
#include "norms_torch.h"
#include "guard.h"

using nt::guard;
using nt::Opt;
using nt::T;
using nt::wrap;

static at::IntArrayRef pair(const int64_t* p) { return nt::dims(p, 2); }

extern "C" {

nt_status nt_nn_conv2d(nt_tensor x, nt_tensor weight, nt_tensor bias, const int64_t* stride, const int64_t* padding,
                       const int64_t* dilation, int64_t groups, nt_tensor* out) {
  return guard([&] {
    *out = wrap(at::conv2d(T(x), T(weight), Opt(bias), pair(stride), pair(padding), pair(dilation), groups));
  });
}

nt_status nt_nn_max_pool2d(nt_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                           const int64_t* dilation, bool ceil_mode, nt_tensor* out) {
  return guard([&] {
    *out = wrap(at::max_pool2d(T(x), pair(kernel), pair(stride), pair(padding), pair(dilation), ceil_mode));
  });
}

nt_status nt_nn_avg_pool2d(nt_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                           bool ceil_mode, bool count_include_pad, nt_tensor* out) {
  return guard([&] {
    *out = wrap(at::avg_pool2d(T(x), pair(kernel), pair(stride), pair(padding), ceil_mode, count_include_pad));
  });
}

nt_status nt_nn_adaptive_avg_pool2d(nt_tensor x, const int64_t* output_size, nt_tensor* out) {
  return guard([&] { *out = wrap(at::adaptive_avg_pool2d(T(x), pair(output_size))); });
}

nt_status nt_nn_relu(nt_tensor x, nt_tensor* out) {
  return guard([&] { *out = wrap(at::relu(T(x))); });
}

nt_status nt_nn_dropout(nt_tensor x, double p, bool train, nt_tensor* out) {
  return guard([&] {
    TORCH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
    *out = wrap(at::dropout(T(x), p, train));
  });
}

nt_status nt_nn_log_softmax(nt_tensor x, int64_t dim, nt_tensor* out) {
  return guard([&] { *out = wrap(at::log_softmax(T(x), dim)); });
}

nt_status nt_nn_softmax(nt_tensor x, int64_t dim, nt_tensor* out) {
  return guard([&] { *out = wrap(at::softmax(T(x), dim)); });
}

nt_status nt_nn_nll_loss(nt_tensor log_probs, nt_tensor target, nt_tensor weight, int reduction, int64_t ignore_index,
                         nt_tensor* out) {
  return guard([&] {
    TORCH_CHECK(reduction >= 0 && reduction <= 2, "reduction must be 0 (none), 1 (mean) or 2 (sum)");
    *out = wrap(at::nll_loss_nd(T(log_probs), T(target), Opt(weight), reduction, ignore_index));
  });
}

nt_status nt_nn_cross_entropy(nt_tensor logits, nt_tensor target, nt_tensor weight, int reduction,
                              int64_t ignore_index, double label_smoothing, nt_tensor* out) {
  return guard([&] {
    TORCH_CHECK(reduction >= 0 && reduction <= 2, "reduction must be 0 (none), 1 (mean) or 2 (sum)");
    *out = wrap(at::cross_entropy_loss(T(logits), T(target), Opt(weight), reduction, ignore_index, label_smoothing));
  });
}

}
