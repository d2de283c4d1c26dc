/*
 * ofi_mr.c - memory registration and RMA key exchange.
 *
 * Every buffer is registered (RMA targets need it whatever mr_mode says);
 * the descriptor is passed on each operation only when FI_MR_LOCAL came
 * back, or under --emulate-efa.  The key peers use is always fi_mr_key's:
 * with FI_MR_PROV_KEY the provider picks it, otherwise ours (unique per
 * process) is only a request.  RMA targets are virtual addresses when
 * FI_MR_VIRT_ADDR came back (shm, efa) and offsets into the region
 * otherwise (tcp;ofi_rxm).
 */
#include "ofi_priv.h"

#include <stdlib.h>
#include <string.h>

int ofi_mr_reg(fs_transport *tp, void *buf, size_t len, fs_mr **out)
{
    ofi_state *st = tp->priv;
    fs_mr *m = calloc(1, sizeof *m);
    if (!m) return fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
    m->buf = buf;
    m->len = len;
    if (len == 0) {
        *out = m;
        return 0;
    }
    uint64_t access = FI_SEND | FI_RECV;
    if (st->rma) access |= FI_WRITE | FI_REMOTE_WRITE;
    uint64_t requested = st->next_key++;
    int rc = fi_mr_reg(st->domain, buf, len, access, 0, requested, 0, &m->mr, NULL);
    if (rc) {
        free(m);
        return fs_transport_fail(tp, FS_ERUNTIME, "fi_mr_reg of %zu bytes on %s failed: %s", len,
                                 tp->provider, ofi_hint(st, -rc, 0));
    }
    m->desc = fi_mr_desc(m->mr);
    m->key = fi_mr_key(m->mr);
    if (st->rma && m->key == FI_KEY_NOTAVAIL) {
        fi_close(&m->mr->fid);
        free(m);
        return fs_transport_fail(tp, FS_EINPUT,
                                 "provider %s gives no usable RMA key (FI_MR_RAW is not supported)",
                                 tp->provider);
    }
    *out = m;
    return 0;
}

void ofi_mr_dereg(fs_transport *tp, fs_mr *m)
{
    (void)tp;
    if (!m) return;
    if (m->mr) fi_close(&m->mr->fid);
    free(m);
}

int ofi_rma_expose(fs_transport *tp, fs_mr *m, fs_rkey *peers)
{
    ofi_state *st = tp->priv;
    int rc = 0;
    if (!st->rma)
        rc = fs_transport_fail(tp, FS_EINPUT, "provider %s (fabric %s) has no RMA write",
                               tp->provider, tp->fabric);
    else if (!m || !m->mr)
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
