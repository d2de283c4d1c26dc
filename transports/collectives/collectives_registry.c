/*
 * collectives_registry.c - the algorithms compiled in: one line each.  The
 * order is --help's and the unit tests'; `auto` falls back to the first
 * entry that can run an operation when its own choice cannot.
 */
#include "collectives.h"

extern const fs_coll_algorithm fs_coll_ring, fs_coll_rd, fs_coll_rabenseifner, fs_coll_tree;

const fs_coll_algorithm *const fs_coll_algorithms[] = {
    &fs_coll_ring, &fs_coll_rd, &fs_coll_rabenseifner, &fs_coll_tree, NULL,
};
