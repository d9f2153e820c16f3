// Autograd: requires_grad, backward, gradients and the grad mode (thread-local in libtorch).
#include "norms_torch.h"
#include "guard.h"

using nt::guard;
using nt::T;
using nt::wrap;

extern "C" {

nt_status nt_autograd_set_requires_grad(nt_tensor t, bool requires_grad) {
  return guard([&] { const_cast<at::Tensor&>(T(t)).set_requires_grad(requires_grad); });
}

nt_status nt_autograd_requires_grad(nt_tensor t, bool* out) {
  return guard([&] { *out = T(t).requires_grad(); });
}

nt_status nt_autograd_backward(nt_tensor t, nt_tensor gradient, bool retain_graph) {
  return guard([&] {
    const auto& x = T(t);
    TORCH_CHECK(x.requires_grad(), "backward: the tensor does not require grad and has no grad_fn");
    if (gradient == nullptr) {
      TORCH_CHECK(x.numel() == 1, "backward: a gradient is only implied for a scalar, but the tensor has shape ",
                  x.sizes());
      x.backward({}, retain_graph);
    } else {
      x.backward(T(gradient), retain_graph);
    }
  });
}

nt_status nt_autograd_grad(nt_tensor t, nt_tensor* out) {
  return guard([&] {
    const auto& g = T(t).grad();
    *out = g.defined() ? wrap(g) : nullptr;
  });
}

nt_status nt_autograd_zero_grad(nt_tensor t, bool set_to_none) {
  return guard([&] {
    auto& x = const_cast<at::Tensor&>(T(t));
    auto& g = x.mutable_grad();
    if (!g.defined()) return;
    if (set_to_none) {
      g.reset();
    } else {
      at::NoGradGuard no_grad;
      g = g.detach();
      g.zero_();
    }
  });
}

nt_status nt_autograd_set_grad_enabled(bool enabled, bool* previous) {
  return guard([&] {
    if (previous) *previous = at::GradMode::is_enabled();
    at::GradMode::set_enabled(enabled);
  });
}

nt_status nt_autograd_is_grad_enabled(bool* out) {
  return guard([&] { *out = at::GradMode::is_enabled(); });
}

}
