/*
 * fake_fabric.h - a scripted libfabric for the transport's unit tests.
 *
 * fi_getinfo, fi_fabric and fi_version are replaced at link time
 * (-Wl,--wrap=...); everything reached through them (domain, CQ, AV,
 * endpoint, MR) is a fake object whose ops record what the transport asked
 * for.  fi_getinfo filters the scripted providers the way libfabric does:
 * caps the provider lacks, mode or mr_mode bits it requires that the hints
 * do not carry, or a larger cq_data_size make an entry disappear.  The
 * launcher (ofi_boot_*) is faked too: rank 0 of `fake.nranks`.
 */
#ifndef FAKE_FABRIC_H
#define FAKE_FABRIC_H

#include <rdma/fabric.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_eq.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fake_prov {
    const char *prov, *fabric, *domain;
    uint64_t caps, mode;
    uint64_t mr_mode;
    size_t inject, max_msg, tx, rx, cq_data;
    enum fi_progress data_progress;
} fake_prov;

enum fake_op_kind { FAKE_TSEND = 1, FAKE_TINJECT, FAKE_TRECV, FAKE_WRITEDATA };

typedef struct fake_op {
    int kind;
    const void *buf;
    size_t len;
    void *desc;
    fi_addr_t addr;
    uint64_t tag, data, raddr, rkey;
} fake_op;

typedef struct fake_mr_rec {
    const void *buf;
    size_t len;
    uint64_t access, requested_key, key;
} fake_mr_rec;

#define FAKE_MAX 256

typedef struct fake_state {
    /* Script. */
    fake_prov provs[8];
    int nprovs;
    int nranks;
    uint32_t runtime_version; /* what fi_version() answers */
    int eagain_left;          /* tsend/writedata answer -FI_EAGAIN this often */
    bool hold_recvs;          /* receives never complete */
    int error_prov_errno;     /* next completion is an error with this code */
    int error_errno;
    int mr_reg_rc; /* fi_mr_reg answers this when nonzero */

    /* Record. */
    int getinfo_calls;
    uint64_t hint_caps, hint_mode, hint_mr_mode, hint_cq_data;
    int hint_av_type, hint_ep_type;
    uint64_t hint_tx_order;
    fake_mr_rec mrs[FAKE_MAX];
    int nmrs;
    fake_op ops[FAKE_MAX];
    int nops;
    int av_insert_calls, av_inserted;
    int tx_outstanding, tx_max_outstanding;
    int cq_reads;
    int ep_enabled;
    int closed;
    char domains[8][64]; /* fi_domain's entries, in the order opened */
    int ndomains;
} fake_state;

extern fake_state fake;

/* Reset to an empty script (nranks 2, runtime = header version). */
void fake_reset(void);
void fake_add(fake_prov p);
/* A remote write landed: a completion carrying CQ data. */
void fake_remote_write(uint64_t data);

/* Attribute sets modelled on what the efa provider returns (libfabric
 * 2.2+): "efa-direct" first (no tagged, FI_CONTEXT2 required, 8 KiB
 * messages, no inject), then "efa"; and local ones like this host's. */
fake_prov fake_efa_direct(void);
fake_prov fake_efa(void);
fake_prov fake_shm(void);
fake_prov fake_tcp_rxm(void);

#endif
