/*
 * collectives_registry.c - the algorithms compiled in.  A new algorithm is
 * its file (collectives_<name>.c, exporting fs_coll_<name>) and one X(name)
 * line here.  The order is --help's and the unit tests'; `auto` falls back
 * to the first entry that can run an operation when its own choice cannot.
 */
#include "collectives.h"

#define FS_COLL_ALGORITHMS(X)                                                                      \
    X(ring)                                                                                        \
    X(rd)                                                                                          \
    X(rabenseifner)                                                                                \
    X(tree)                                                                                        \
    X(pairwise)                                                                                    \
    X(bruck)

#define DECLARE(name) extern const fs_coll_algorithm fs_coll_##name;
#define ENTRY(name)   &fs_coll_##name,

FS_COLL_ALGORITHMS(DECLARE)

const fs_coll_algorithm *const fs_coll_algorithms[] = {FS_COLL_ALGORITHMS(ENTRY) NULL};
