/*
 * ofi.h - public entry points of the libfabric transport beyond the ops
 * table (fs_transport_ofi, declared in transport.h).
 */
#ifndef FS_OFI_H
#define FS_OFI_H

#include <stdbool.h>
#include <stdio.h>

#include "transport.h"

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

/* The NICs --nics (opts->nics, with provider and fabric) would open, in
 * rail order, without opening anything: for placing a rank before the
 * transport is opened.  Local (no launcher needed).  Returns the count
 * (at most max are filled), or a negative FS_E* with one line in why. */
int fs_ofi_pick_rails(const fs_transport_opts *opts, fs_rail_info *out, int max, char *why,
                      size_t len);

#endif
