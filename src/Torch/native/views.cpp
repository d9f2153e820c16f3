// Views (reshape, permute, slices, selections) and joins (cat, stack).
#include "norms_torch.h"

#include <vector>
#include "guard.h"

using nt::guard;
using nt::T;
using nt::wrap;

static std::vector<at::Tensor> list(const nt_tensor* ts, int count) {
  if (count < 0 || (count > 0 && ts == nullptr)) throw std::invalid_argument("invalid tensor list");
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; i++) v.push_back(T(ts[i]));
  return v;
}

extern "C" {

nt_status nt_view_reshape(nt_tensor t, const int64_t* shape, int ndim, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).reshape(nt::dims(shape, ndim))); });
}

nt_status nt_view_permute(nt_tensor t, const int64_t* dims, int ndim, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).permute(nt::dims(dims, ndim))); });
}

nt_status nt_view_transpose(nt_tensor t, int64_t dim0, int64_t dim1, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).transpose(dim0, dim1)); });
}

nt_status nt_view_slice(nt_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).slice(dim, start, end, step)); });
}

nt_status nt_view_select(nt_tensor t, int64_t dim, int64_t index, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).select(dim, index)); });
}

nt_status nt_view_index_select(nt_tensor t, int64_t dim, nt_tensor index, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).index_select(dim, T(index))); });
}

nt_status nt_view_unsqueeze(nt_tensor t, int64_t dim, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).unsqueeze(dim)); });
}

nt_status nt_view_squeeze(nt_tensor t, int64_t dim, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).squeeze(dim)); });
}

nt_status nt_view_flatten(nt_tensor t, int64_t start_dim, int64_t end_dim, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).flatten(start_dim, end_dim)); });
}

nt_status nt_view_expand(nt_tensor t, const int64_t* shape, int ndim, nt_tensor* out) {
  return guard([&] { *out = wrap(T(t).expand(nt::dims(shape, ndim))); });
}

nt_status nt_view_cat(const nt_tensor* ts, int count, int64_t dim, nt_tensor* out) {
  return guard([&] { *out = wrap(at::cat(list(ts, count), dim)); });
}

nt_status nt_view_stack(const nt_tensor* ts, int count, int64_t dim, nt_tensor* out) {
  return guard([&] { *out = wrap(at::stack(list(ts, count), dim)); });
}

}
