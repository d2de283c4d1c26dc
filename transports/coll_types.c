/*
 * coll_types.c - names and sizes of the operations and element types, and
 * the typed sum kernels the reducing algorithms (and a transport's native
 * bfloat16 reduction) call.
 *
 * float32 and float64 add 64 bytes at a time through GCC/clang vector types
 * (loads and stores by memcpy, so any alignment works): GCC's -O2
 * vectorizer ("very cheap" cost model) leaves a plain double loop of
 * unknown length scalar, and the reduction must keep up with a memory copy.
 * bfloat16 widens to float per element in blocks of 32 (a constant trip
 * count, which the very-cheap model does vectorize).
 */
#include "coll_types.h"

#include <string.h>

typedef float fs_f32x16 __attribute__((vector_size(64)));
typedef double fs_f64x8 __attribute__((vector_size(64)));

float fs_bf16_to_float(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

uint16_t fs_float_to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x40u); /* quiet NaN */
    /* Round to nearest, ties to even. */
    return (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

static inline uint16_t bf16_add(uint16_t a, uint16_t b)
{
    return fs_float_to_bf16(fs_bf16_to_float(a) + fs_bf16_to_float(b));
}

/* d = a + b with a 64-byte vector body and a scalar tail. */
#define FS_DEFINE_VSUM(NAME, T, V)                                                                 \
    static void NAME(T *d, const T *a, const T *b, size_t n)                                       \
    {                                                                                              \
        const size_t w = sizeof(V) / sizeof(T);                                                    \
        size_t i = 0;                                                                              \
        for (; i + w <= n; i += w) {                                                               \
            V x, y;                                                                                \
            memcpy(&x, a + i, sizeof x);                                                           \
            memcpy(&y, b + i, sizeof y);                                                           \
            x += y;                                                                                \
            memcpy(d + i, &x, sizeof x);                                                           \
        }                                                                                          \
        for (; i < n; i++) d[i] = a[i] + b[i];                                                     \
    }

FS_DEFINE_VSUM(sum_f32, float, fs_f32x16)
FS_DEFINE_VSUM(sum_f64, double, fs_f64x8)

static void sum_bf16_3(uint16_t *restrict d, const uint16_t *restrict a, const uint16_t *restrict b,
                       size_t n)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (size_t j = i; j < i + 32; j++) d[j] = bf16_add(a[j], b[j]);
    for (; i < n; i++) d[i] = bf16_add(a[i], b[i]);
}

static void sum_bf16_2(uint16_t *restrict d, const uint16_t *restrict b, size_t n)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (size_t j = i; j < i + 32; j++) d[j] = bf16_add(d[j], b[j]);
    for (; i < n; i++) d[i] = bf16_add(d[i], b[i]);
}

void fs_coll_sum(fs_coll_dtype dt, void *dst, const void *a, const void *b, size_t n)
{
    switch (dt) {
    case FS_COLL_FLOAT32:
        sum_f32(dst, a, b, n);
        break;
    case FS_COLL_FLOAT64:
        sum_f64(dst, a, b, n);
        break;
    case FS_COLL_BFLOAT16:
        /* In-place form when dst is one operand (addition commutes), so
         * the restrict-qualified loops never see aliasing. */
        if (dst == a)
            sum_bf16_2(dst, b, n);
        else if (dst == b)
            sum_bf16_2(dst, a, n);
        else
            sum_bf16_3(dst, a, b, n);
        break;
    }
}

const char *fs_coll_op_name(fs_coll_op op)
{
    static const char *const names[FS_COLL_NOPS] = {
        [FS_COLL_ALLREDUCE] = "allreduce", [FS_COLL_REDUCE_SCATTER] = "reduce_scatter",
        [FS_COLL_ALLGATHER] = "allgather", [FS_COLL_ALLTOALL] = "alltoall",
        [FS_COLL_ALLTOALLV] = "alltoallv",
    };
    return (unsigned)op < FS_COLL_NOPS ? names[op] : "?";
}

const char *fs_coll_dtype_name(fs_coll_dtype dt)
{
    switch (dt) {
    case FS_COLL_FLOAT32:
        return "float32";
    case FS_COLL_FLOAT64:
        return "float64";
    case FS_COLL_BFLOAT16:
        return "bfloat16";
    }
    return "?";
}

size_t fs_coll_dtype_size(fs_coll_dtype dt)
{
    switch (dt) {
    case FS_COLL_FLOAT32:
        return 4;
    case FS_COLL_FLOAT64:
        return 8;
    case FS_COLL_BFLOAT16:
        return 2;
    }
    return 1;
}
