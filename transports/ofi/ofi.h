/*
 * ofi.h - public entry points of the libfabric transport beyond the ops
 * table (fs_transport_ofi, declared in transport.h).
 */
#ifndef FS_OFI_H
#define FS_OFI_H

#include <stdbool.h>
#include <stdio.h>

struct fs_rte; /* fs_rte.h */

/* Print what fi_getinfo offers for FI_EP_RDM on this host, with the
 * attributes that decide how a benchmark runs (caps, mr_mode, inject size,
 * message and queue limits, progress), as a table or as a JSON array.
 * Returns 0, or FS_ERUNTIME after printing one line to stderr. */
int fs_ofi_list_providers(FILE *out, bool json);

/* The runtime the transport bootstraps over (rank, size, the exchange of
 * endpoint names and RMA keys).  Set before the first init; rte must stay
 * valid while a libfabric transport is open.  Without it init fails. */
void fs_ofi_set_rte(struct fs_rte *rte);

#endif
