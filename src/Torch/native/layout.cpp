// Memory formats. oneDNN's convolutions run on NHWC ("channels-last") without reordering their
// inputs, outputs and gradients on every call, which for small-channel CNNs costs more than the maths.
#include "norms_torch.h"
#include "guard.h"

static at::MemoryFormat format_of(int format) {
  switch (format) {
    case 0: return at::MemoryFormat::Contiguous;
    case 1: return at::MemoryFormat::ChannelsLast;
    default: throw std::invalid_argument("memory format must be 0 (contiguous) or 1 (channels-last)");
  }
}

extern "C" {

nt_status nt_layout_contiguous(nt_tensor t, int format, nt_tensor* out) {
  return nt::guard([&] {
    auto f = format_of(format);
    const auto& x = nt::T(t);
    TORCH_CHECK(f != at::MemoryFormat::ChannelsLast || x.dim() == 4, "channels-last needs a 4-d tensor, got ", x.sizes());
    // A tensor with one channel (an MNIST batch, the first conv's kernel) is already "contiguous" both ways,
    // so contiguous() keeps its NCHW strides, and libtorch then suggests NCHW for it and for the convolution's
    // output: every later layer's tensors got reordered back and forth (three copies of a 32x8x28x28 tensor
    // per Mnist8k step). A clone gives it channels-last strides that libtorch recognizes.
    if (f == at::MemoryFormat::ChannelsLast && x.suggest_memory_format() != f)
      *out = nt::wrap(x.clone(f));
    else
      *out = nt::wrap(x.contiguous(f));
  });
}

nt_status nt_layout_is_contiguous(nt_tensor t, int format, bool* out) {
  return nt::guard([&] { *out = nt::T(t).is_contiguous(format_of(format)); });
}

}
