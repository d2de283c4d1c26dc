/* frameworks.c - framework defaults (see frameworks.h). */
#include "frameworks.h"

#include <stddef.h>
#include <strings.h>

static const fs_framework table[] = {
    {"megatron", 4, 40e6, 0,
     "Megatron-LM reduces bf16/fp16 gradients in fp32 (--accumulate-allreduce-grads-in-fp32, "
     "forced on with --bf16) in buckets of max(40M, 1M x dp) elements (megatron/core/distributed)"},
    {"ddp", 4, 0, 25.0 * 1048576,
     "PyTorch DDP reduces the gradients' dtype: fp32 parameters under AMP give fp32 gradients; "
     "bucket_cap_mb = 25 (MiB)"},
    {"deepspeed", 2, 5e8, 0,
     "DeepSpeed ZeRO reduces in the model's dtype (bf16/fp16) unless communication_data_type is "
     "set; reduce_bucket_size = 5e8 elements"},
    {"fsdp", 2, 0, 25.0 * 1048576,
     "FSDP reduce-scatters in its MixedPrecision reduce_dtype (bf16 in llama-recipes' policy), "
     "one wrapped unit (a layer) at a time"},
    {"horovod", 4, 0, 64.0 * 1048576,
     "Horovod all-reduces the gradients as they are (fp32 without compression) in 64 MiB "
     "fusion buffers (HOROVOD_FUSION_THRESHOLD)"},
};

const fs_framework *fs_framework_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof table / sizeof table[0]; i++)
        if (strcasecmp(name, table[i].name) == 0) return &table[i];
    return NULL;
}

double fs_framework_bucket_bytes(const fs_framework *f, double grad_bytes)
{
    return f->bucket_elems > 0 ? f->bucket_elems * grad_bytes : f->bucket_bytes;
}
