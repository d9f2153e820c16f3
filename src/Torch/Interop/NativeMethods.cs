using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>
/// The shim's exports, as native/norms_torch.h lists them (it documents ownership: arguments borrowed, every
/// returned handle new and owned by the caller; every status is a <see cref="NativeStatus"/>). One section per
/// native .cpp; the families with a partial file of their own: NativeMethods.Layout.cs (layout.cpp),
/// NativeMethods.Profiler.cs (profiler.cpp), NativeMethods.Fused.cs (fused.cpp), NativeMethods.Replica.cs
/// (replica.cpp). Tensor handles cross as IntPtr; <see cref="Tensor"/> keeps each argument alive across the call.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Lib = "norms_torch";

    // errors.cpp
    [LibraryImport(Lib)] internal static partial nint nt_error_message();
    [LibraryImport(Lib)] internal static partial long nt_diag_live_tensors();

    // tensor.cpp
    [LibraryImport(Lib)] internal static partial void nt_tensor_free(nint t);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_from_data(void* data, long nbytes, int dtype, long* shape, int ndim, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_copy_to(nint t, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_full(long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_ndim(nint t, out int result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_shape(nint t, long* result, int capacity);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_dtype(nint t, out int result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_device(nint t, out int type, out int index);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_numel(nint t, out long result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_item(nint t, out double result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_to(nint t, int dtype, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_clone(nint t, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_detach(nint t, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_contiguous(nint t, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_copy_(nint dst, nint src);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_fill_(nint t, double value);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_uniform_(nint t, double low, double high);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_normal_(nint t, double mean, double std);

    // views.cpp
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_reshape(nint t, long* shape, int ndim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_permute(nint t, long* dims, int ndim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_transpose(nint t, long dim0, long dim1, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_slice(nint t, long dim, long start, long end, long step, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_select(nint t, long dim, long index, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_index_select(nint t, long dim, nint index, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_unsqueeze(nint t, long dim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_squeeze(nint t, long dim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_flatten(nint t, long startDim, long endDim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_expand(nint t, long* shape, int ndim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_cat(nint* ts, int count, long dim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_view_stack(nint* ts, int count, long dim, out nint result);

    // math.cpp (op codes: OpCodes.cs)
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_unary(int op, nint x, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_binary(int op, nint a, nint b, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_binary_scalar(int op, nint a, double b, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_binary_(int op, nint a, nint b);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_binary_scalar_(int op, nint a, double b);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_clamp(nint x, double min, double max, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_where(nint cond, nint a, nint b, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_reduce(int op, nint x, long* dims, int ndims, [MarshalAs(UnmanagedType.U1)] bool keepdim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_var(nint x, long* dims, int ndims, long correction, [MarshalAs(UnmanagedType.U1)] bool keepdim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_argmax(nint x, long dim, [MarshalAs(UnmanagedType.U1)] bool keepdim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_topk(nint x, long k, long dim, [MarshalAs(UnmanagedType.U1)] bool largest, out nint values, out nint indices);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_math_matmul(nint a, nint b, out nint result);

    // nn.cpp
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_conv2d(nint x, nint weight, nint bias, long* stride, long* padding, long* dilation, long groups, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_max_pool2d(nint x, long* kernel, long* stride, long* padding, long* dilation, [MarshalAs(UnmanagedType.U1)] bool ceilMode, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_avg_pool2d(nint x, long* kernel, long* stride, long* padding, [MarshalAs(UnmanagedType.U1)] bool ceilMode, [MarshalAs(UnmanagedType.U1)] bool countIncludePad, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_adaptive_avg_pool2d(nint x, long* outputSize, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_relu(nint x, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_dropout(nint x, double p, [MarshalAs(UnmanagedType.U1)] bool train, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_log_softmax(nint x, long dim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_softmax(nint x, long dim, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_nll_loss(nint logProbs, nint target, nint weight, int reduction, long ignoreIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_cross_entropy(nint logits, nint target, nint weight, int reduction, long ignoreIndex, double labelSmoothing, out nint result);

    // norm.cpp
    [LibraryImport(Lib)] internal static partial NativeStatus nt_norm_batch(nint x, nint weight, nint bias, nint runningMean, nint runningVar, [MarshalAs(UnmanagedType.U1)] bool training, double momentum, double eps, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_norm_group(nint x, long groups, nint weight, nint bias, double eps, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_norm_layer(nint x, long* normalizedShape, int ndim, nint weight, nint bias, double eps, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_norm_instance(nint x, nint weight, nint bias, nint runningMean, nint runningVar, [MarshalAs(UnmanagedType.U1)] bool useInputStats, double momentum, double eps, out nint result);

    // autograd.cpp
    [LibraryImport(Lib)] internal static partial NativeStatus nt_autograd_set_requires_grad(nint t, [MarshalAs(UnmanagedType.U1)] bool requiresGrad);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_autograd_requires_grad(nint t, [MarshalAs(UnmanagedType.U1)] out bool result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_autograd_backward(nint t, nint gradient, [MarshalAs(UnmanagedType.U1)] bool retainGraph);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_autograd_grad(nint t, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_autograd_zero_grad(nint t, [MarshalAs(UnmanagedType.U1)] bool setToNone);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_autograd_set_grad_enabled([MarshalAs(UnmanagedType.U1)] bool enabled, [MarshalAs(UnmanagedType.U1)] out bool previous);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_autograd_is_grad_enabled([MarshalAs(UnmanagedType.U1)] out bool result);

    // random.cpp
    [LibraryImport(Lib)] internal static partial NativeStatus nt_random_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_random_randn(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_random_rand(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_random_randint(long low, long high, long* shape, int ndim, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_random_randperm(long n, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_random_get_state(out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_random_set_state(nint state);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_generator_new(ulong seed, out nint generator);
    [LibraryImport(Lib)] internal static partial void nt_generator_free(nint generator);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_tensor_uniform_with(nint t, double low, double high, GeneratorHandle generator);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_threads_set(int n);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_threads_get(out int result);

    // device.cpp
    [LibraryImport(Lib)] internal static partial NativeStatus nt_device_cuda_available([MarshalAs(UnmanagedType.U1)] out bool result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_device_cuda_count(out int result);

    // version.cpp
    [LibraryImport(Lib)] internal static partial NativeStatus nt_version_libtorch(out nint result);

    // optim.cpp
    [LibraryImport(Lib)] internal static partial NativeStatus nt_optim_sgd_step(nint* parameters, nint* momentumBuffers, byte* initialized, int count, double lr, double momentum, double dampening, double weightDecay, [MarshalAs(UnmanagedType.U1)] bool nesterov, [MarshalAs(UnmanagedType.U1)] out bool finite);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_optim_adam_step(nint* parameters, nint* expAvg, nint* expAvgSq, long* steps, int count, double lr, double beta1, double beta2, double eps, double weightDecay, [MarshalAs(UnmanagedType.U1)] bool decoupledWeightDecay, [MarshalAs(UnmanagedType.U1)] out bool finite);
}
