/* fs_rte.c - the process's heartbeat counter (see fs_rte.h). */
#include "fs_rte.h"

atomic_ulong fs_rte_heartbeats;
