/*
 * frameworks.h - what a training framework decides for the model by
 * default: the precision it reduces gradients in and its bucket size.
 * Data with its sources, in code because it describes code, not hardware.
 */
#ifndef FS_FRAMEWORKS_H
#define FS_FRAMEWORKS_H

typedef struct fs_framework {
    const char *name;    /* megatron, ddp, deepspeed, fsdp, horovod */
    double grad_bytes;   /* bytes per gradient element reduced, with 16-bit compute */
    double bucket_elems; /* > 0: bucket size in gradient elements */
    double bucket_bytes; /* else in bytes */
    const char *why;     /* what the framework does, and where it says so */
} fs_framework;

/* NULL when unknown (case-insensitive). */
const fs_framework *fs_framework_find(const char *name);
/* The bucket in bytes for gradients of grad_bytes each. */
double fs_framework_bucket_bytes(const fs_framework *f, double grad_bytes);

#endif
