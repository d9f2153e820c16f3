// Fused optimizer steps: one boundary crossing per step instead of several per parameter.
// The arithmetic follows torch/optim/sgd.py and adam.py/adamw.py of PyTorch 1.13 (single-tensor path).
#include "norms_torch.h"

#include <cmath>
#include "guard.h"

using nt::guard;
using nt::T;

static at::Tensor& M(nt_tensor h) { return const_cast<at::Tensor&>(T(h)); }

// Whether every element of g is finite. x - x is 0 for finite x and NaN for NaN and ±inf, so one sum of
// differences answers for the whole tensor: a single read pass with no allocation for the dense float
// gradients of training (a Cifar50k step reads its 50 k gradients once more, about 20 µs), libtorch's
// isfinite for anything else.
template <typename S>
static bool dense_finite(const S* p, int64_t n) {
  S acc = 0;
  for (int64_t i = 0; i < n; i++) acc += p[i] - p[i];
  return acc == acc;
}

static bool all_finite(const at::Tensor& g) {
  if (g.device().is_cpu() && g.is_contiguous()) {
    if (g.scalar_type() == at::kFloat) return dense_finite(g.data_ptr<float>(), g.numel());
    if (g.scalar_type() == at::kDouble) return dense_finite(g.data_ptr<double>(), g.numel());
  }
  return at::isfinite(g).all().item<bool>();
}

static bool gradients_finite(const nt_tensor* params, int count) {
  for (int i = 0; i < count; i++) {
    const auto& grad = T(params[i]).grad();
    if (grad.defined() && !all_finite(grad)) return false;
  }
  return true;
}

extern "C" {

nt_status nt_optim_sgd_step(const nt_tensor* params, const nt_tensor* momentum_buffers, uint8_t* initialized,
                            int count, double lr, double momentum, double dampening, double weight_decay,
                            bool nesterov, bool* finite) {
  return guard([&] {
    TORCH_CHECK(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening");
    at::NoGradGuard no_grad;
    *finite = gradients_finite(params, count);
    if (!*finite) return;
    for (int i = 0; i < count; i++) {
      auto& p = M(params[i]);
      const auto& grad = p.grad();
      if (!grad.defined()) continue;
      at::Tensor d_p = grad;
      if (weight_decay != 0) d_p = d_p.add(p, weight_decay);
      if (momentum != 0) {
        auto& buf = M(momentum_buffers[i]);
        if (!initialized[i]) {
          buf.copy_(d_p);
          initialized[i] = 1;
        } else {
          buf.mul_(momentum).add_(d_p, 1 - dampening);
        }
        d_p = nesterov ? d_p.add(buf, momentum) : buf;
      }
      p.add_(d_p, -lr);
    }
  });
}

nt_status nt_optim_adam_step(const nt_tensor* params, const nt_tensor* exp_avg, const nt_tensor* exp_avg_sq,
                             int64_t* steps, int count, double lr, double beta1, double beta2, double eps,
                             double weight_decay, bool decoupled_weight_decay, bool* finite) {
  return guard([&] {
    at::NoGradGuard no_grad;
    *finite = gradients_finite(params, count);
    if (!*finite) return;
    for (int i = 0; i < count; i++) {
      auto& p = M(params[i]);
      const auto& g0 = p.grad();
      if (!g0.defined()) continue;
      at::Tensor grad = g0;
      int64_t step = ++steps[i];
      if (weight_decay != 0) {
        if (decoupled_weight_decay) p.mul_(1 - lr * weight_decay);   // AdamW
        else grad = grad.add(p, weight_decay);                         // Adam (L2 in the gradient)
      }
      auto& m = M(exp_avg[i]);
      auto& v = M(exp_avg_sq[i]);
      m.mul_(beta1).add_(grad, 1 - beta1);
      v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
      double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
      double step_size = lr / bias_correction1;
      auto denom = (v.sqrt() / std::sqrt(bias_correction2)).add_(eps);
      p.addcdiv_(m, denom, -step_size);
    }
  });
}

}
