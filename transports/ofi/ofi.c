/*
 * ofi.c - the libfabric transport: endpoint life cycle and the ops table.
 *
 * init: select an fi_info (ofi_info.c), open fabric, domain, one CQ for
 * everything (manual progress polls one place), an FI_AV_TABLE and the RDM
 * endpoint; then publish the endpoint name through the launcher and insert
 * the peers one per rank, so fi_addr_t r is rank r.  Every attribute that
 * came back is turned into a decision here (descriptors, inject, chunk
 * size, queue depths) and reported to the benchmarks through tp->caps.
 *
 * With --nics there is one such endpoint per NIC ("rail", ofi_rails.c),
 * each with its own domain, CQ, AV, queues and attributes; rank r's rail i
 * talks to every peer's rail i, so every rank must open as many.
 */
#include "ofi_priv.h"

#include <stdlib.h>
#include <string.h>

static void close_rail(ofi_state *st)
{
    /* Endpoint first: it holds references to the CQ and AV. */
    if (st->ep) fi_close(&st->ep->fid);
    if (st->av) fi_close(&st->av->fid);
    if (st->cq) fi_close(&st->cq->fid);
    if (st->domain) fi_close(&st->domain->fid);
    if (st->fabric) fi_close(&st->fabric->fid);
    if (st->info) fi_freeinfo(st->info);
    free(st->addrs);
    free(st->pool);
}

static void ofi_fini(fs_transport *tp)
{
    ofi_rails *R = tp->priv;
    if (!R) return;
    if (R->hooked) ofi_boot_remove_progress(ofi_progress_hook, R);
    for (int k = 0; k < R->nrails; k++) close_rail(&R->rail[k]);
    free(R->rail);
    free(R->seq);
    free(R);
    tp->priv = NULL;
    ofi_boot_fini();
}

#define TRY(call, what)                                                                            \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_)                                                                                   \
            return fs_transport_fail(tp, FS_ERUNTIME, "%s on %s failed: %s", what, tp->provider,   \
                                     ofi_hint(st, -rc_, 0));                                       \
    } while (0)

/* Open everything local; no collective calls. */
static int open_endpoint(fs_transport *tp, ofi_state *st)
{
    struct fi_info *fi = st->info;
    TRY(fi_fabric(fi->fabric_attr, &st->fabric, NULL), "fi_fabric");
    TRY(fi_domain(st->fabric, fi, &st->domain, NULL), "fi_domain");

    struct fi_cq_attr cq_attr;
    memset(&cq_attr, 0, sizeof cq_attr);
    cq_attr.format = FI_CQ_FORMAT_DATA;
    cq_attr.wait_obj = FI_WAIT_NONE; /* we poll: manual progress */
    cq_attr.size = fi->tx_attr->size + fi->rx_attr->size;
    TRY(fi_cq_open(st->domain, &cq_attr, &st->cq, NULL), "fi_cq_open");

    struct fi_av_attr av_attr;
    memset(&av_attr, 0, sizeof av_attr);
    av_attr.type = FI_AV_TABLE;
    av_attr.count = (size_t)st->nranks;
    TRY(fi_av_open(st->domain, &av_attr, &st->av, NULL), "fi_av_open");

    TRY(fi_endpoint(st->domain, fi, &st->ep, NULL), "fi_endpoint");
    TRY(fi_ep_bind(st->ep, &st->av->fid, 0), "binding the address vector");
    TRY(fi_ep_bind(st->ep, &st->cq->fid, FI_TRANSMIT | FI_RECV), "binding the completion queue");
    TRY(fi_enable(st->ep), "fi_enable");
    ofi_query_efa_opts(st);
    return 0;
}

/* This rail's endpoint name. */
static int get_name(fs_transport *tp, ofi_state *st, char *name, size_t *len)
{
    int rc = fi_getname(&st->ep->fid, name, len);
    return rc ? fs_transport_fail(tp, FS_ERUNTIME, "fi_getname on %s failed: %s",
                                  st->info->domain_attr->name, fi_strerror(-rc))
              : 0;
}

/* Collective (every rank has its endpoint open): every rank's name of
 * this rail into the rail's AV, one insert per rank. */
static int exchange_addresses(fs_transport *tp, ofi_state *st, const char *name, size_t len)
{
    size_t maxlen = len;
    /* Names have one length per provider; take the largest to be safe. */
    size_t *lens = calloc((size_t)st->nranks, sizeof *lens);
    char *names = NULL;
    st->addrs = calloc((size_t)st->nranks, sizeof *st->addrs);
    if (!lens || !st->addrs) goto oom;
    if (ofi_boot_allgather(&len, lens, sizeof len)) goto boot;
    for (int r = 0; r < st->nranks; r++)
        if (lens[r] > maxlen) maxlen = lens[r];
    names = calloc((size_t)st->nranks, maxlen);
    if (!names) goto oom;
    char *mine = calloc(1, maxlen);
    if (!mine) goto oom;
    memcpy(mine, name, len);
    int brc = ofi_boot_allgather(mine, names, maxlen);
    free(mine);
    if (brc) goto boot;
    for (int r = 0; r < st->nranks; r++) {
        int n = fi_av_insert(st->av, names + (size_t)r * maxlen, 1, &st->addrs[r], 0, NULL);
        if (n != 1) {
            free(lens);
            free(names);
            return fs_transport_fail(tp, FS_ERUNTIME, "fi_av_insert of rank %d failed: %s", r,
                                     fi_strerror(n < 0 ? -n : FI_EINVAL));
        }
    }
    free(lens);
    free(names);
    return 0;
oom:
    free(lens);
    free(names);
    return fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
boot:
    free(lens);
    free(names);
    return fs_transport_fail(tp, FS_ERUNTIME, "exchanging endpoint names failed");
}

/* Turn the returned attributes into the decisions the data path follows. */
static void decide(ofi_state *st, int rank, const fs_transport_opts *o)
{
    struct fi_info *fi = st->info;
    uint64_t mr_mode = fi->domain_attr->mr_mode;
    st->emulate = o->emulate_efa;
    st->pace = o->nics != NULL; /* per-NIC rates: a clock read per CQ read */
    st->efa = strcmp(fi->fabric_attr->prov_name, "efa") == 0 ||
              strncmp(fi->fabric_attr->prov_name, "efa;", 4) == 0;
    st->virt_addr = (mr_mode & FI_MR_VIRT_ADDR) != 0;
    st->pass_desc = (mr_mode & FI_MR_LOCAL) != 0 || st->emulate;
    st->inject = st->emulate ? 0 : fi->tx_attr->inject_size;
    st->tx_depth = fi->tx_attr->size ? fi->tx_attr->size : 1;
    st->rx_depth = fi->rx_attr->size ? fi->rx_attr->size : 1;
    size_t chunk = fi->ep_attr->max_msg_size;
    if (st->emulate && chunk > OFI_EMU_CHUNK) chunk = OFI_EMU_CHUNK;
    if (chunk == 0) chunk = 1;
    st->chunk = chunk;
    st->max_bytes = o->max_bytes;
    st->timeout_s = o->timeout_s;
    st->yield_idle = o->yield_idle;
    st->next_key = 1;
    /* Without PROV_KEY our requested keys must be unique in the domain;
     * rank-scoped so keys differ between processes too (EFA-like). */
    if (!(mr_mode & FI_MR_PROV_KEY)) st->next_key = ((uint64_t)(uint32_t)rank << 20) + 1;
    if (fi->domain_attr->mr_key_size && fi->domain_attr->mr_key_size < 4)
        st->next_key = 1; /* tiny key space: keep small numbers */
}

/* Every rank must open as many rails (rail i meets the peers' rail i). */
static int check_rail_counts(fs_transport *tp, ofi_rails *R)
{
    int *counts = calloc((size_t)R->nranks, sizeof *counts);
    if (!counts) return fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
    int rc = ofi_boot_allgather(&R->nrails, counts, sizeof R->nrails) ? FS_ERUNTIME : 0;
    if (rc) fs_transport_fail(tp, rc, "exchanging the NIC counts failed");
    for (int r = 0; !rc && r < R->nranks; r++)
        if (counts[r] != R->nrails)
            rc = fs_transport_fail(tp, FS_EINPUT,
                                   "--nics: rank %d opened %d NIC%s, rank %d %d; every rank needs "
                                   "the same count (rail i talks to the peers' rail i)",
                                   R->rank, R->nrails, R->nrails == 1 ? "" : "s", r, counts[r]);
    free(counts);
    return rc;
}

/* Local: decisions, endpoint, and its name for the exchange. */
static int open_rail(fs_transport *tp, ofi_rails *R, ofi_state *st, const fs_transport_opts *o,
                     char *name, size_t *len)
{
    st->rank = R->rank;
    st->nranks = R->nranks;
    st->emulated_read = st->emulated_write = -1;
    decide(st, R->rank, o);
    int rc = open_endpoint(tp, st);
    return rc ? rc : get_name(tp, st, name, len);
}

static int ofi_init(fs_transport *tp, const fs_transport_opts *o)
{
    ofi_rails *R = calloc(1, sizeof *R);
    if (!R) return fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
    tp->priv = R;
    if (ofi_boot_rank(&R->rank, &R->nranks)) {
        free(R);
        tp->priv = NULL;
        return fs_transport_fail(tp, FS_ERUNTIME, "ofi: launcher (MPI) not available");
    }
    tp->rank = R->rank;
    tp->nranks = R->nranks;

    int rc = ofi_select(tp, R, o);
    if (rc == 0) {
        /* The run's provider, fabric and domain are rail 0's. */
        struct fi_info *fi = R->rail[0].info;
        snprintf(tp->provider, sizeof tp->provider, "%s", fi->fabric_attr->prov_name);
        snprintf(tp->fabric, sizeof tp->fabric, "%s", fi->fabric_attr->name);
        snprintf(tp->domain, sizeof tp->domain, "%s", fi->domain_attr->name);
    }
    char(*names)[256] = calloc(OFI_MAX_RAILS, sizeof *names);
    size_t lens[OFI_MAX_RAILS];
    if (!names) rc = fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
    for (int k = 0; rc == 0 && k < R->nrails; k++) {
        lens[k] = sizeof names[k];
        rc = open_rail(tp, R, &R->rail[k], o, names[k], &lens[k]);
    }
    /* Agree first, so no rank enters an exchange while another gave up. */
    int all = ofi_boot_agree(rc);
    if (all && !rc)
        rc = fs_transport_fail(tp, all,
                               "the libfabric transport failed to open on another rank "
                               "(see its message)");
    if (rc == 0) rc = check_rail_counts(tp, R);
    for (int k = 0; rc == 0 && k < R->nrails; k++)
        rc = exchange_addresses(tp, &R->rail[k], names[k], lens[k]);
    free(names);
    for (int k = 0; rc == 0 && k < R->nrails; k++) {
        ofi_state *st = &R->rail[k];
        /* Sender and receiver must cut a message the same way. */
        st->chunk = ofi_boot_min_size(st->chunk);
        if (o->max_bytes / st->chunk >= UINT32_MAX)
            rc = fs_transport_fail(tp, FS_EINPUT,
                                   "message size %zu needs more than 2^32 operations of %zu bytes "
                                   "(max_msg_size of %s on %s)",
                                   o->max_bytes, st->chunk, tp->provider,
                                   st->info->domain_attr->name);
        if (rc == 0 && ofi_pool_init(st))
            rc = fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
    }
    if (rc == 0 && R->nrails > 1) {
        R->seq = calloc(2 * (size_t)R->nranks * OFI_SEQ_TAGS, sizeof *R->seq);
        if (!R->seq) rc = fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
    }
    /* Manual progress: a send counted done (injected, or handed to
     * tcp;ofi_rxm which may still hold its bytes) moves only when someone
     * reads our CQ, also while this rank waits in the harness's barrier. */
    if (rc == 0) {
        if (ofi_boot_add_progress(ofi_progress_hook, R))
            rc = fs_transport_fail(tp, FS_ERUNTIME,
                                   "ofi: too many endpoints open for the launcher to progress");
        else
            R->hooked = true;
    }
    if (rc) {
        ofi_fini(tp);
        return rc;
    }
    /* What a benchmark may count on whichever rail a message takes. */
    ofi_state *r0 = &R->rail[0];
    tp->caps = (fs_transport_caps){
        .rma = r0->rma,
        .needs_mr = r0->pass_desc,
        .max_msg_size = r0->chunk,
        .inject_size = r0->inject,
        .tx_depth = r0->tx_depth,
        .rx_depth = r0->rx_depth,
    };
    for (int k = 1; k < R->nrails; k++) {
        ofi_state *st = &R->rail[k];
        fs_transport_caps *c = &tp->caps;
        c->needs_mr |= st->pass_desc;
        if (st->chunk < c->max_msg_size) c->max_msg_size = st->chunk;
        if (st->inject < c->inject_size) c->inject_size = st->inject;
        if (st->tx_depth < c->tx_depth) c->tx_depth = st->tx_depth;
        if (st->rx_depth < c->rx_depth) c->rx_depth = st->rx_depth;
    }
    return 0;
}

const struct fs_transport_ops fs_transport_ofi = {
    .name = "ofi",
    .init = ofi_init,
    .fini = ofi_fini,
    .mr_reg = ofi_mr_reg,
    .mr_dereg = ofi_mr_dereg,
    .isend = ofi_isend,
    .irecv = ofi_irecv,
    .waitall = ofi_waitall,
    .rma_expose = ofi_rma_expose,
    .write_notify = ofi_write_notify,
    .wait_notify = ofi_wait_notify,
    .rails = ofi_rails_info,
    .describe = ofi_describe,
};
