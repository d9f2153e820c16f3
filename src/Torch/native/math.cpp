// Element-wise maths, reductions, matmul. The op codes are mirrored by NtUnary/NtBinary/NtReduce in C#.
#include "norms_torch.h"
#include "guard.h"

using nt::guard;
using nt::T;
using nt::wrap;

namespace {

at::Tensor unary(int op, const at::Tensor& x) {
  switch (op) {
    case 0: return x.neg();
    case 1: return x.abs();
    case 2: return x.exp();
    case 3: return x.log();
    case 4: return x.sqrt();
    case 5: return x.rsqrt();
    case 6: return x.sign();
    case 7: return x.sigmoid();
    case 8: return x.tanh();
    case 9: return x.square();
    case 10: return x.reciprocal();
    case 11: return x.floor();
    case 12: return x.ceil();
    case 13: return x.round();
    case 14: return x.logical_not();
    case 15: return x.isnan();
    case 16: return x.isfinite();
    case 17: return x.sin();
    case 18: return x.cos();
    default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
  }
}

at::Tensor binary_tt(int op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::maximum(a, b);
    case 6: return at::minimum(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::ne(a, b);
    case 9: return at::lt(a, b);
    case 10: return at::le(a, b);
    case 11: return at::gt(a, b);
    case 12: return at::ge(a, b);
    case 13: return at::logical_and(a, b);
    case 14: return at::logical_or(a, b);
    case 15: return at::remainder(a, b);
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
}

at::Tensor binary_ts(int op, const at::Tensor& a, const at::Scalar& b) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::clamp_min(a, b);
    case 6: return at::clamp_max(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::ne(a, b);
    case 9: return at::lt(a, b);
    case 10: return at::le(a, b);
    case 11: return at::gt(a, b);
    case 12: return at::ge(a, b);
    case 15: return at::remainder(a, b);
    default: throw std::invalid_argument("binary op " + std::to_string(op) + " has no scalar form");
  }
}

// Integer tensors take integral scalars as such, so that e.g. labels == 3 compares exactly.
at::Scalar scalar_for(const at::Tensor& a, double b) {
  if (at::isIntegralType(a.scalar_type(), /*includeBool=*/true) && b == static_cast<double>(static_cast<int64_t>(b)))
    return at::Scalar(static_cast<int64_t>(b));
  return at::Scalar(b);
}

}  // namespace

extern "C" {

nt_status nt_math_unary(int op, nt_tensor x, nt_tensor* out) {
  return guard([&] { *out = wrap(unary(op, T(x))); });
}

nt_status nt_math_binary(int op, nt_tensor a, nt_tensor b, nt_tensor* out) {
  return guard([&] { *out = wrap(binary_tt(op, T(a), T(b))); });
}

nt_status nt_math_binary_scalar(int op, nt_tensor a, double b, nt_tensor* out) {
  return guard([&] { *out = wrap(binary_ts(op, T(a), scalar_for(T(a), b))); });
}

nt_status nt_math_binary_(int op, nt_tensor a, nt_tensor b) {
  return guard([&] {
    auto& x = const_cast<at::Tensor&>(T(a));
    switch (op) {
      case 0: x.add_(T(b)); break;
      case 1: x.sub_(T(b)); break;
      case 2: x.mul_(T(b)); break;
      case 3: x.div_(T(b)); break;
      default: x.copy_(binary_tt(op, x, T(b)));
    }
  });
}

nt_status nt_math_binary_scalar_(int op, nt_tensor a, double b) {
  return guard([&] {
    auto& x = const_cast<at::Tensor&>(T(a));
    auto s = scalar_for(x, b);
    switch (op) {
      case 0: x.add_(s); break;
      case 1: x.sub_(s); break;
      case 2: x.mul_(s); break;
      case 3: x.div_(s); break;
      default: x.copy_(binary_ts(op, x, s));
    }
  });
}

nt_status nt_math_clamp(nt_tensor x, double min, double max, nt_tensor* out) {
  return guard([&] { *out = wrap(at::clamp(T(x), min, max)); });
}

nt_status nt_math_where(nt_tensor cond, nt_tensor a, nt_tensor b, nt_tensor* out) {
  return guard([&] { *out = wrap(at::where(T(cond), T(a), T(b))); });
}

nt_status nt_math_reduce(int op, nt_tensor x, const int64_t* dims, int ndims, bool keepdim, nt_tensor* out) {
  return guard([&] {
    const auto& t = T(x);
    auto d = nt::dims(dims, ndims);
    switch (op) {
      case 0: *out = wrap(ndims == 0 ? t.sum() : t.sum(d, keepdim)); break;
      case 1: *out = wrap(ndims == 0 ? t.mean() : t.mean(d, keepdim)); break;
      case 2: *out = wrap(ndims == 0 ? t.max() : t.amax(d, keepdim)); break;
      case 3: *out = wrap(ndims == 0 ? t.min() : t.amin(d, keepdim)); break;
      default: throw std::invalid_argument("unknown reduction " + std::to_string(op));
    }
  });
}

nt_status nt_math_var(nt_tensor x, const int64_t* dims, int ndims, int64_t correction, bool keepdim, nt_tensor* out) {
  return guard([&] {
    c10::optional<at::IntArrayRef> d;
    if (ndims > 0) d = nt::dims(dims, ndims);
    *out = wrap(at::var(T(x), d, c10::optional<int64_t>(correction), keepdim));
  });
}

nt_status nt_math_argmax(nt_tensor x, int64_t dim, bool keepdim, nt_tensor* out) {
  return guard([&] { *out = wrap(T(x).argmax(dim, keepdim)); });
}

nt_status nt_math_topk(nt_tensor x, int64_t k, int64_t dim, bool largest, nt_tensor* values, nt_tensor* indices) {
  return guard([&] {
    auto r = T(x).topk(k, dim, largest, /*sorted=*/true);
    auto v = wrap(std::get<0>(r));
    *indices = wrap(std::get<1>(r));
    *values = v;
  });
}

nt_status nt_math_matmul(nt_tensor a, nt_tensor b, nt_tensor* out) {
  return guard([&] { *out = wrap(at::matmul(T(a), T(b))); });
}

}
