/*
 * norms_torch: the C boundary between Norms (.NET) and libtorch, the one header that lists every export of the
 * shim. One section per op family, each named after the .cpp that defines it (and mirrored on the C# side by
 * Interop/NativeMethods*.cs). Most wrap libtorch ops; optim.cpp, fused.cpp and replica.cpp are the shim's own
 * kernels.
 *
 * Ownership, for every export below:
 *   - nt_tensor arguments are BORROWED: the callee never frees them.
 *   - every nt_tensor written to an out-parameter is NEW and OWNED by the caller, who releases it
 *     with nt_tensor_free exactly once. An out-parameter documented "may be null" is left NULL when
 *     there is nothing to return (an undefined gradient, say); it is never an error signal.
 * Errors: every export returns an nt_status. On failure nothing is written to out-parameters and
 *   nt_error_message() holds libtorch's message (without its C++ backtrace) for this thread.
 * Enumerations mirror c10: dtype codes are c10::ScalarType values, device types c10::DeviceType.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NT_API __attribute__((visibility("default")))

typedef struct nt_tensor_opaque* nt_tensor;

/* Mirrored by Interop/NativeStatus.cs; the values are part of the ABI. */
typedef enum {
  NT_OK = 0,
  NT_ERR_ARGUMENT = 1, /* a precondition on the arguments failed: shape, dtype, device, value */
  NT_ERR_INDEX = 2,    /* an index out of range */
  NT_ERR_ENGINE = 3,   /* anything else: out of memory, internal assert, unknown exception */
  NT_ERR_UNSUPPORTED = 4 /* this libtorch lacks the feature (the distributed exports without c10d/Gloo) */
} nt_status;

/* ---- errors and diagnostics (errors.cpp) ---- */
NT_API const char* nt_error_message(void);
NT_API int64_t nt_diag_live_tensors(void);

/* ---- tensors: lifetime, creation, properties, data (tensor.cpp) ---- */
NT_API void nt_tensor_free(nt_tensor t);
NT_API nt_status nt_tensor_from_data(const void* data, int64_t nbytes, int dtype, const int64_t* shape, int ndim,
                                     int device_type, int device_index, nt_tensor* out);
NT_API nt_status nt_tensor_copy_to(nt_tensor t, void* dst, int64_t nbytes);
NT_API nt_status nt_tensor_full(const int64_t* shape, int ndim, double value, int dtype, int device_type,
                                int device_index, nt_tensor* out);
NT_API nt_status nt_tensor_arange(double start, double end, double step, int dtype, int device_type,
                                  int device_index, nt_tensor* out);
NT_API nt_status nt_tensor_ndim(nt_tensor t, int* out);
NT_API nt_status nt_tensor_shape(nt_tensor t, int64_t* out, int capacity);
NT_API nt_status nt_tensor_dtype(nt_tensor t, int* out);
NT_API nt_status nt_tensor_device(nt_tensor t, int* device_type, int* device_index);
NT_API nt_status nt_tensor_numel(nt_tensor t, int64_t* out);
NT_API nt_status nt_tensor_item(nt_tensor t, double* out);
NT_API nt_status nt_tensor_to(nt_tensor t, int dtype, int device_type, int device_index, nt_tensor* out);
NT_API nt_status nt_tensor_clone(nt_tensor t, nt_tensor* out);
NT_API nt_status nt_tensor_detach(nt_tensor t, nt_tensor* out);
NT_API nt_status nt_tensor_contiguous(nt_tensor t, nt_tensor* out);
NT_API nt_status nt_tensor_copy_(nt_tensor dst, nt_tensor src);
NT_API nt_status nt_tensor_fill_(nt_tensor t, double value);
NT_API nt_status nt_tensor_uniform_(nt_tensor t, double low, double high);
NT_API nt_status nt_tensor_normal_(nt_tensor t, double mean, double std);

/* ---- views and joins (views.cpp) ---- */
NT_API nt_status nt_view_reshape(nt_tensor t, const int64_t* shape, int ndim, nt_tensor* out);
NT_API nt_status nt_view_permute(nt_tensor t, const int64_t* dims, int ndim, nt_tensor* out);
NT_API nt_status nt_view_transpose(nt_tensor t, int64_t dim0, int64_t dim1, nt_tensor* out);
NT_API nt_status nt_view_slice(nt_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step, nt_tensor* out);
NT_API nt_status nt_view_select(nt_tensor t, int64_t dim, int64_t index, nt_tensor* out);
NT_API nt_status nt_view_index_select(nt_tensor t, int64_t dim, nt_tensor index, nt_tensor* out);
NT_API nt_status nt_view_unsqueeze(nt_tensor t, int64_t dim, nt_tensor* out);
NT_API nt_status nt_view_squeeze(nt_tensor t, int64_t dim, nt_tensor* out);
NT_API nt_status nt_view_flatten(nt_tensor t, int64_t start_dim, int64_t end_dim, nt_tensor* out);
NT_API nt_status nt_view_expand(nt_tensor t, const int64_t* shape, int ndim, nt_tensor* out);
NT_API nt_status nt_view_cat(const nt_tensor* ts, int count, int64_t dim, nt_tensor* out);
NT_API nt_status nt_view_stack(const nt_tensor* ts, int count, int64_t dim, nt_tensor* out);

/* ---- element-wise maths, reductions, matmul (math.cpp). Op codes: see NtUnary/NtBinary in C#. ---- */
NT_API nt_status nt_math_unary(int op, nt_tensor x, nt_tensor* out);
NT_API nt_status nt_math_binary(int op, nt_tensor a, nt_tensor b, nt_tensor* out);
NT_API nt_status nt_math_binary_scalar(int op, nt_tensor a, double b, nt_tensor* out);
NT_API nt_status nt_math_binary_(int op, nt_tensor a, nt_tensor b);          /* in place on a */
NT_API nt_status nt_math_binary_scalar_(int op, nt_tensor a, double b);      /* in place on a */
NT_API nt_status nt_math_clamp(nt_tensor x, double min, double max, nt_tensor* out);
NT_API nt_status nt_math_where(nt_tensor cond, nt_tensor a, nt_tensor b, nt_tensor* out);
NT_API nt_status nt_math_reduce(int op, nt_tensor x, const int64_t* dims, int ndims, bool keepdim, nt_tensor* out);
NT_API nt_status nt_math_var(nt_tensor x, const int64_t* dims, int ndims, int64_t correction, bool keepdim,
                             nt_tensor* out);
NT_API nt_status nt_math_argmax(nt_tensor x, int64_t dim, bool keepdim, nt_tensor* out);
NT_API nt_status nt_math_topk(nt_tensor x, int64_t k, int64_t dim, bool largest, nt_tensor* values,
                              nt_tensor* indices);
NT_API nt_status nt_math_matmul(nt_tensor a, nt_tensor b, nt_tensor* out);

/* ---- neural-network functions (nn.cpp). Optional tensors may be NULL. ---- */
NT_API nt_status nt_nn_conv2d(nt_tensor x, nt_tensor weight, nt_tensor bias /* may be null */, const int64_t* stride,
                              const int64_t* padding, const int64_t* dilation, int64_t groups, nt_tensor* out);
/* A 3x3, stride-1, bias-free convolution by conv3x3.cpp's direct AVX2 kernels where they apply (float32 channels-last
   CPU input, at most 32 channels each side, padding 0 or 1, at most mac_limit multiply-adds, negative for the measured
   default), else by at::conv2d; *direct says which ran. */
NT_API nt_status nt_nn_conv3x3(nt_tensor x, nt_tensor weight, int64_t padding, int64_t mac_limit, bool* direct,
                               nt_tensor* out);
NT_API nt_status nt_nn_max_pool2d(nt_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  const int64_t* dilation, bool ceil_mode, nt_tensor* out);
NT_API nt_status nt_nn_avg_pool2d(nt_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  bool ceil_mode, bool count_include_pad, nt_tensor* out);
NT_API nt_status nt_nn_adaptive_avg_pool2d(nt_tensor x, const int64_t* output_size, nt_tensor* out);
NT_API nt_status nt_nn_relu(nt_tensor x, nt_tensor* out);
NT_API nt_status nt_nn_dropout(nt_tensor x, double p, bool train, nt_tensor* out);
NT_API nt_status nt_nn_log_softmax(nt_tensor x, int64_t dim, nt_tensor* out);
NT_API nt_status nt_nn_softmax(nt_tensor x, int64_t dim, nt_tensor* out);
/* reduction: 0 none, 1 mean, 2 sum (at::Reduction) */
NT_API nt_status nt_nn_nll_loss(nt_tensor log_probs, nt_tensor target, nt_tensor weight /* may be null */,
                                int reduction, int64_t ignore_index, nt_tensor* out);
NT_API nt_status nt_nn_cross_entropy(nt_tensor logits, nt_tensor target, nt_tensor weight /* may be null */,
                                     int reduction, int64_t ignore_index, double label_smoothing, nt_tensor* out);

/* ---- normalization (norm.cpp). In training, batch/instance norm update running stats in place. ---- */
NT_API nt_status nt_norm_batch(nt_tensor x, nt_tensor weight, nt_tensor bias, nt_tensor running_mean,
                               nt_tensor running_var, bool training, double momentum, double eps, nt_tensor* out);
NT_API nt_status nt_norm_group(nt_tensor x, int64_t groups, nt_tensor weight, nt_tensor bias, double eps,
                               nt_tensor* out);
NT_API nt_status nt_norm_layer(nt_tensor x, const int64_t* normalized_shape, int ndim, nt_tensor weight,
                               nt_tensor bias, double eps, nt_tensor* out);
NT_API nt_status nt_norm_instance(nt_tensor x, nt_tensor weight, nt_tensor bias, nt_tensor running_mean,
                                  nt_tensor running_var, bool use_input_stats, double momentum, double eps,
                                  nt_tensor* out);

/* ---- autograd (autograd.cpp) ---- */
NT_API nt_status nt_autograd_set_requires_grad(nt_tensor t, bool requires_grad);
NT_API nt_status nt_autograd_requires_grad(nt_tensor t, bool* out);
NT_API nt_status nt_autograd_backward(nt_tensor t, nt_tensor gradient /* may be null */, bool retain_graph);
NT_API nt_status nt_autograd_grad(nt_tensor t, nt_tensor* out /* may be null: no gradient */);
NT_API nt_status nt_autograd_zero_grad(nt_tensor t, bool set_to_none);
NT_API nt_status nt_autograd_set_grad_enabled(bool enabled, bool* previous);
NT_API nt_status nt_autograd_is_grad_enabled(bool* out);

/* ---- randomness and threads (random.cpp) ---- */
NT_API nt_status nt_random_manual_seed(uint64_t seed);
NT_API nt_status nt_random_randn(const int64_t* shape, int ndim, int dtype, int device_type, int device_index,
                                 nt_tensor* out);
NT_API nt_status nt_random_rand(const int64_t* shape, int ndim, int dtype, int device_type, int device_index,
                                nt_tensor* out);
NT_API nt_status nt_random_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, int device_type,
                                   int device_index, nt_tensor* out);
NT_API nt_status nt_random_randperm(int64_t n, int device_type, int device_index, nt_tensor* out);
NT_API nt_status nt_random_get_state(nt_tensor* out);
NT_API nt_status nt_random_set_state(nt_tensor state);
/* A CPU generator of one's own (at::make_generator<CPUGeneratorImpl>(seed): the stream torch.manual_seed(seed)
 * starts on the default one), so a run's draws do not depend on what else the process draws. */
typedef struct nt_generator_opaque* nt_generator;
NT_API nt_status nt_generator_new(uint64_t seed, nt_generator* out);
NT_API void nt_generator_free(nt_generator g);
/* t.uniform_(low, high, g) */
NT_API nt_status nt_tensor_uniform_with(nt_tensor t, double low, double high, nt_generator g);
NT_API nt_status nt_threads_set(int n);
NT_API nt_status nt_threads_get(int* out);

/* ---- devices (device.cpp) ---- */
NT_API nt_status nt_device_cuda_available(bool* out);
NT_API nt_status nt_device_cuda_count(int* out);

/* ---- version (version.cpp) ---- */
/* libtorch's TORCH_VERSION as compiled in ("unknown" without <torch/version.h>); a static string, never freed. */
NT_API nt_status nt_version_libtorch(const char** out);

/* ---- fused optimizer steps (optim.cpp), PyTorch 1.13 semantics; parameters without grad are skipped.
 * Each first checks every gradient: when one holds NaN or an infinity, *finite = false and nothing is changed
 * (no parameter, no state, no step count); otherwise *finite = true and the step is applied. ---- */
NT_API nt_status nt_optim_sgd_step(const nt_tensor* params, const nt_tensor* momentum_buffers, uint8_t* initialized,
                                   int count, double lr, double momentum, double dampening, double weight_decay,
                                   bool nesterov, bool* finite);
NT_API nt_status nt_optim_adam_step(const nt_tensor* params, const nt_tensor* exp_avg, const nt_tensor* exp_avg_sq,
                                    int64_t* steps, int count, double lr, double beta1, double beta2, double eps,
                                    double weight_decay, bool decoupled_weight_decay, bool* finite);

/* ---- memory layout (layout.cpp). format: 0 = contiguous (NCHW), 1 = channels-last (NHWC strides, 4-d only) ---- */
NT_API nt_status nt_layout_contiguous(nt_tensor t, int format, nt_tensor* out);
NT_API nt_status nt_layout_is_contiguous(nt_tensor t, int format, bool* out);

/* ---- libtorch's legacy autograd profiler (profiler.cpp): records the calling thread's ops from start until stop,
 * which writes them to path as a Chrome trace. One session at a time. ---- */
NT_API nt_status nt_profiler_start(const char* path);
NT_API nt_status nt_profiler_stop(void);

/* ---- fused ReLU + dropout with counter-based masks (fused.cpp) ---- */

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

/* ---- data-parallel replicas on one machine (replica.cpp): the batch is split between threads that run the
 * same model on their share concurrently, each with one intra-op thread. What must be shared between them is
 * shared here: batch-norm statistics (a barrier that gathers each replica's partial sums). Dropout needs
 * nothing shared: its masks are keyed by each sample's position (nt_fused_relu_dropout). ---- */

typedef struct nt_replica_group_opaque* nt_replica_group;

/* A group of `parties` replicas that meet at each synchronized batch norm. Freed with nt_replica_group_free.
 * With `turns` non-zero the replicas run one at a time (one thread's worth of CPU, the same split step): each holds
 * the turn from nt_replica_group_begin_turn (which blocks until it is free) to nt_replica_group_end_turn, and
 * gives it up while it waits at a meeting. Without turns both calls do nothing. */
NT_API nt_status nt_replica_group_new(int parties, int turns, nt_replica_group* out);
NT_API nt_status nt_replica_group_begin_turn(nt_replica_group group, int rank);
NT_API void nt_replica_group_end_turn(nt_replica_group group, int rank);
NT_API void nt_replica_group_free(nt_replica_group group);
/* Wakes every replica waiting in the group with an error, and makes later meetings fail: called when one
 * replica fails, so the others do not wait for it forever. */
NT_API void nt_replica_group_abort(nt_replica_group group);

/* Batch norm in training mode whose statistics cover the whole batch, split over the group's replicas
 * (each calls it with its share, in the same order). Forward gathers per-channel count, mean and squared
 * deviations (combined in rank order, float64, so every replica gets identical statistics); backward
 * gathers sum(dy) and sum(dy * (x - mean)). Running statistics (may be null) are updated with the whole
 * batch's unbiased variance; pass them on one replica only. */
NT_API nt_status nt_norm_batch_replicated(nt_tensor x, nt_tensor weight, nt_tensor bias, nt_tensor running_mean,
                                          nt_tensor running_var, nt_replica_group group, int rank, double momentum,
                                          double eps, nt_tensor* out);

/* The calling thread's intra-op thread count only (at::set_num_threads also sets the process default). */
NT_API nt_status nt_threads_set_this_thread(int n);

/* ---- data parallelism across processes (distributed.cpp): a c10d process group on Gloo. Built only when the
 * libtorch has c10d with Gloo; otherwise every export below but nt_dist_available fails with NT_ERR_UNSUPPORTED
 * ("this libtorch has no Gloo"). Collectives block until every rank has called them, in the same order, or fail
 * (a peer gone, or the group's timeout passed); they take CPU tensors of one dtype. ---- */

typedef struct nt_process_group_opaque* nt_process_group;

NT_API bool nt_dist_available(void);
/* Joins a group of world_size processes through a TCPStore at host:port, which rank 0 hosts. Blocks until all have
 * joined or timeout_ms passes; the same timeout bounds every collective. bind_address (may be null: this host name's
 * address) is where Gloo's own connections listen. Freed with nt_dist_group_free. */
NT_API nt_status nt_dist_group_tcp(const char* host, int port, int rank, int world_size, int64_t timeout_ms,
                                   const char* bind_address, nt_process_group* out);
/* The same through a FileStore: a file in a folder every rank can reach (a fresh file for each job). */
NT_API nt_status nt_dist_group_file(const char* path, int rank, int world_size, int64_t timeout_ms,
                                    const char* bind_address, nt_process_group* out);
NT_API void nt_dist_group_free(nt_process_group group);
NT_API nt_status nt_dist_rank(nt_process_group group, int* rank, int* world_size);
/* In place: every tensor becomes the sum of its values over the ranks (coalesced into one flat buffer). */
NT_API nt_status nt_dist_allreduce_sum(nt_process_group group, const nt_tensor* ts, int count);
/* In place: every tensor takes root's values (one flat buffer). */
NT_API nt_status nt_dist_broadcast(nt_process_group group, const nt_tensor* ts, int count, int root);
NT_API nt_status nt_dist_barrier(nt_process_group group);
/* Synchronized batch norm's meeting point across the group's processes (parties = world size; each process calls
 * nt_norm_batch_replicated with its own rank). Holds the process group alive; freed with nt_replica_group_free. */
NT_API nt_status nt_dist_replica_group(nt_process_group group, nt_replica_group* out);

#ifdef __cplusplus
}
#endif
