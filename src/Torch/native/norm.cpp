// The functional normalizations. Semantics are libtorch's own; src/Norms/Reference writes them down.
#include "norms_torch.h"
#include "guard.h"

using nt::guard;
using nt::Opt;
using nt::T;
using nt::wrap;

extern "C" {

nt_status nt_norm_batch(nt_tensor x, nt_tensor weight, nt_tensor bias, nt_tensor running_mean, nt_tensor running_var,
                        bool training, double momentum, double eps, nt_tensor* out) {
  return guard([&] {
    const auto& t = T(x);
    // torch.nn.functional checks this in Python (_verify_batch_size); ATen does not.
    if (training) {
      TORCH_CHECK(t.dim() >= 2, "batch_norm expects an input of at least 2 dimensions (N, C, ...), got ", t.sizes());
      TORCH_CHECK(t.size(1) == 0 || t.numel() / t.size(1) > 1, "Expected more than 1 value per channel when training, got input size ",
                  t.sizes());
    }
    *out = wrap(at::batch_norm(T(x), Opt(weight), Opt(bias), Opt(running_mean), Opt(running_var), training, momentum,
                               eps, /*cudnn_enabled=*/true));
  });
}

nt_status nt_norm_group(nt_tensor x, int64_t groups, nt_tensor weight, nt_tensor bias, double eps, nt_tensor* out) {
  return guard([&] {
    const auto& t = T(x);
    TORCH_CHECK(t.dim() >= 2, "group_norm expects an input of at least 2 dimensions (N, C, ...), got ", t.sizes());
    TORCH_CHECK(groups > 0 && t.size(1) % groups == 0, "groups ", groups, " does not divide ", t.size(1),
                " channels");
    *out = wrap(at::group_norm(t, groups, Opt(weight), Opt(bias), eps, /*cudnn_enabled=*/true));
  });
}

nt_status nt_norm_layer(nt_tensor x, const int64_t* normalized_shape, int ndim, nt_tensor weight, nt_tensor bias,
                        double eps, nt_tensor* out) {
  return guard([&] {
    *out = wrap(at::layer_norm(T(x), nt::dims(normalized_shape, ndim), Opt(weight), Opt(bias), eps, true));
  });
}

nt_status nt_norm_instance(nt_tensor x, nt_tensor weight, nt_tensor bias, nt_tensor running_mean,
                           nt_tensor running_var, bool use_input_stats, double momentum, double eps, nt_tensor* out) {
  return guard([&] {
    const auto& t = T(x);
    // torch.nn.functional checks this in Python (_verify_spatial_size); ATen does not.
    if (use_input_stats) {
      TORCH_CHECK(t.dim() >= 3, "instance_norm expects an input of at least 3 dimensions (N, C, ...), got ", t.sizes());
      TORCH_CHECK(t.size(0) * t.size(1) == 0 || t.numel() / (t.size(0) * t.size(1)) > 1, "Expected more than 1 spatial element when training, got input size ",
                  t.sizes());
    }
    *out = wrap(at::instance_norm(T(x), Opt(weight), Opt(bias), Opt(running_mean), Opt(running_var), use_input_stats,
                                  momentum, eps, /*cudnn_enabled=*/true));
  });
}

}
