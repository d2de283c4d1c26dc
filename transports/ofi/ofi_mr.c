/*
 * ofi_mr.c - memory registration and RMA key exchange.
 *
 * Every buffer is registered (RMA targets need it whatever mr_mode says);
 * the descriptor is passed on each operation only when FI_MR_LOCAL came
 * back, or under --emulate-efa.  The key peers use is always fi_mr_key's:
 * with FI_MR_PROV_KEY the provider picks it, otherwise ours (unique per
 * process) is only a request.  RMA targets are virtual addresses when
 * FI_MR_VIRT_ADDR came back (shm, efa) and offsets into the region
 * otherwise (tcp;ofi_rxm).  With several rails a buffer is registered
 * with each rail's domain; RMA uses rail 0's key.
 */
#include "ofi_priv.h"

#include <stdlib.h>
#include <string.h>

void ofi_mr_dereg(fs_transport *tp, fs_mr *m)
{
    (void)tp;
    if (!m) return;
    for (int k = 0; k < OFI_MAX_RAILS; k++)
        if (m->mr[k]) fi_close(&m->mr[k]->fid);
    free(m);
}

/* Register with one rail's domain. */
static int reg_rail(fs_transport *tp, ofi_state *st, fs_mr *m)
{
    uint64_t access = FI_SEND | FI_RECV;
    if (st->rma) access |= FI_WRITE | FI_REMOTE_WRITE;
    uint64_t requested = st->next_key++;
    int k = st->index;
    int rc = fi_mr_reg(st->domain, m->buf, m->len, access, 0, requested, 0, &m->mr[k], NULL);
    if (rc)
        return fs_transport_fail(tp, FS_ERUNTIME, "fi_mr_reg of %zu bytes on %s (%s) failed: %s",
                                 m->len, tp->provider, st->info->domain_attr->name,
                                 ofi_hint(st, -rc, 0));
    m->desc[k] = fi_mr_desc(m->mr[k]);
    return 0;
}

int ofi_mr_reg(fs_transport *tp, void *buf, size_t len, fs_mr **out)
{
    ofi_rails *R = tp->priv;
    fs_mr *m = calloc(1, sizeof *m);
    if (!m) return fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
    m->buf = buf;
    m->len = len;
    if (len == 0) {
        *out = m;
        return 0;
    }
    for (int k = 0; k < R->nrails; k++) {
        int rc = reg_rail(tp, &R->rail[k], m);
        if (rc) {
            ofi_mr_dereg(tp, m);
            return rc;
        }
    }
    m->key = fi_mr_key(m->mr[0]);
    if (R->rail->rma && m->key == FI_KEY_NOTAVAIL) {
        ofi_mr_dereg(tp, m);
        return fs_transport_fail(tp, FS_EINPUT,
                                 "provider %s gives no usable RMA key (FI_MR_RAW is not supported)",
                                 tp->provider);
    }
    *out = m;
    return 0;
}

int ofi_rma_expose(fs_transport *tp, fs_mr *m, fs_rkey *peers)
{
    ofi_rails *R = tp->priv;
    ofi_state *st = R->rail; /* writes go over rail 0 */
    int rc = 0;
    if (!st->rma)
        rc = fs_transport_fail(tp, FS_EINPUT, "provider %s (fabric %s) has no RMA write",
                               tp->provider, tp->fabric);
    else if (!m || !m->mr[0])
        rc = fs_transport_fail(tp, FS_ERUNTIME, "rma_expose needs a registered, non-empty buffer");
    fs_rkey mine = {0, 0};
    if (rc == 0) {
        mine.addr = st->virt_addr ? (uint64_t)(uintptr_t)m->buf : 0;
        mine.key = m->key;
    }
    /* Collective: every rank takes part even when its own side failed. */
    int all = ofi_boot_agree(rc);
    if (all) return rc ? rc : fs_transport_fail(tp, all, "rma_expose failed on another rank");
    if (ofi_boot_allgather(&mine, peers, sizeof mine))
        return fs_transport_fail(tp, FS_ERUNTIME, "exchanging RMA keys failed");
    return 0;
}
