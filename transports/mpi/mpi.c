/* mpi.c - the MPI transport: point-to-point (what osu_latency/osu_bw
 * measure) and the library's own collectives (what osu_allreduce measures),
 * all on a duplicate of the launching communicator. */
#include "transport.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <mpi.h>

struct fs_mr {
    void *buf;
    size_t len;
};

typedef struct mpi_state {
    MPI_Comm comm;
    MPI_Op bf16_sum; /* bfloat16 has no MPI type in MPI 3.1: uint16 + our sum */
    bool own_op;
    /* What describe records, read once at init. */
    char library[MPI_MAX_LIBRARY_VERSION_STRING];
    int version, subversion;
    char select[3][256]; /* Open MPI's pml, mtl, btl selection (MPI_T), "" if none */
    int *v_ints;         /* MPI_Alltoallv's int counts and displacements: 4 x nranks */
} mpi_state;

static const char *const select_names[3] = {"pml", "mtl", "btl"};

static void bf16_sum(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    fs_coll_sum(FS_COLL_BFLOAT16, inout, inout, in, (size_t)*len);
}

/* The library's version line and, where the library exposes them as
 * MPI_T control variables (Open MPI), the component selections in force
 * (mca-params.conf, OMPI_MCA_*, mpirun --mca): which pml, mtl and btl the
 * run was allowed to pick. */
static void read_identity(mpi_state *st)
{
    int len = 0;
    MPI_Get_library_version(st->library, &len);
    while (len > 0 && (st->library[len - 1] == '\n' || st->library[len - 1] == ' '))
        st->library[--len] = 0;
    char *nl = strchr(st->library, '\n');
    if (nl) *nl = 0;
    MPI_Get_version(&st->version, &st->subversion);
    int provided, n = 0;
    if (MPI_T_init_thread(MPI_THREAD_SINGLE, &provided) != MPI_SUCCESS) return;
    MPI_T_cvar_get_num(&n);
    for (int i = 0; i < n; i++) {
        char name[128], desc[8];
        int nlen = sizeof name, dlen = sizeof desc, verb, bind, scope;
        MPI_Datatype dt;
        MPI_T_enum en;
        if (MPI_T_cvar_get_info(i, name, &nlen, &verb, &dt, &en, desc, &dlen, &bind, &scope) !=
                MPI_SUCCESS ||
            dt != MPI_CHAR || bind != MPI_T_BIND_NO_OBJECT)
            continue;
        for (int k = 0; k < 3; k++) {
            if (strcmp(name, select_names[k])) continue;
            MPI_T_cvar_handle h;
            int count;
            if (MPI_T_cvar_handle_alloc(i, NULL, &h, &count) != MPI_SUCCESS) break;
            char *val = count > 0 ? calloc((size_t)count + 1, 1) : NULL; /* Open MPI: 2048 */
            if (val && MPI_T_cvar_read(h, val) == MPI_SUCCESS)
                snprintf(st->select[k], sizeof st->select[k], "%s", val);
            free(val);
            MPI_T_cvar_handle_free(&h);
        }
    }
    MPI_T_finalize();
}

_Static_assert(sizeof(MPI_Request) <= sizeof(((fs_req *)0)->priv), "fs_req too small");

static MPI_Request *req_of(fs_req *r)
{
    return (MPI_Request *)(void *)r->priv;
}

static int mpi_init(fs_transport *tp, const fs_transport_opts *opts)
{
    mpi_state *st = calloc(1, sizeof *st);
    if (!st) return fs_transport_fail(tp, FS_ERUNTIME, "mpi: out of memory");
    MPI_Comm_dup(MPI_COMM_WORLD, &st->comm);
    MPI_Comm_rank(st->comm, &tp->rank);
    MPI_Comm_size(st->comm, &tp->nranks);
    tp->priv = st;
    st->v_ints = malloc(4 * (size_t)tp->nranks * sizeof *st->v_ints);
    if (!st->v_ints) return fs_transport_fail(tp, FS_ERUNTIME, "mpi: out of memory");
    if (MPI_Op_create(bf16_sum, 1, &st->bf16_sum) != MPI_SUCCESS)
        return fs_transport_fail(tp, FS_ERUNTIME, "mpi: MPI_Op_create for the bfloat16 sum failed");
    st->own_op = true;
    read_identity(st);
    tp->caps = (fs_transport_caps){
        .rma = false,
        .needs_mr = false,
        .max_msg_size = INT_MAX,
        .inject_size = 0,
        .tx_depth = SIZE_MAX,
        .rx_depth = SIZE_MAX,
    };
    snprintf(tp->provider, sizeof tp->provider, "mpi");
    if (opts->need_rma)
        return fs_transport_fail(tp, FS_EINPUT,
                                 "transport mpi has no RMA write benchmark; use --transport ofi");
    if (opts->max_bytes > INT_MAX)
        return fs_transport_fail(tp, FS_EINPUT, "transport mpi: message size %zu exceeds %d bytes",
                                 opts->max_bytes, INT_MAX);
    return 0;
}

static void mpi_fini(fs_transport *tp)
{
    mpi_state *st = tp->priv;
    if (!st) return;
    if (st->own_op) MPI_Op_free(&st->bf16_sum);
    MPI_Comm_free(&st->comm);
    free(st->v_ints);
    free(st);
    tp->priv = NULL;
}

static int mpi_mr_reg(fs_transport *tp, void *buf, size_t len, fs_mr **mr)
{
    (void)tp;
    *mr = malloc(sizeof **mr);
    if (!*mr) return FS_ERUNTIME;
    **mr = (struct fs_mr){buf, len};
    return 0;
}

static void mpi_mr_dereg(fs_transport *tp, fs_mr *mr)
{
    (void)tp;
    free(mr);
}

static int mpi_isend(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                     uint32_t tag, fs_req *req)
{
    (void)mr;
    mpi_state *st = tp->priv;
    if (len > INT_MAX) return fs_transport_fail(tp, FS_EINPUT, "mpi: message too large");
    if (MPI_Isend(buf, (int)len, MPI_BYTE, peer, (int)tag, st->comm, req_of(req)) != MPI_SUCCESS)
        return fs_transport_fail(tp, FS_ERUNTIME, "MPI_Isend to rank %d failed", peer);
    return 0;
}

static int mpi_irecv(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag,
                     fs_req *req)
{
    (void)mr;
    mpi_state *st = tp->priv;
    if (len > INT_MAX) return fs_transport_fail(tp, FS_EINPUT, "mpi: message too large");
    if (MPI_Irecv(buf, (int)len, MPI_BYTE, peer, (int)tag, st->comm, req_of(req)) != MPI_SUCCESS)
        return fs_transport_fail(tp, FS_ERUNTIME, "MPI_Irecv from rank %d failed", peer);
    return 0;
}

static int mpi_send(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                    uint32_t tag)
{
    (void)mr;
    mpi_state *st = tp->priv;
    if (len > INT_MAX) return fs_transport_fail(tp, FS_EINPUT, "mpi: message too large");
    if (MPI_Send(buf, (int)len, MPI_BYTE, peer, (int)tag, st->comm) != MPI_SUCCESS)
        return fs_transport_fail(tp, FS_ERUNTIME, "MPI_Send to rank %d failed", peer);
    return 0;
}

static int mpi_recv(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag)
{
    (void)mr;
    mpi_state *st = tp->priv;
    if (len > INT_MAX) return fs_transport_fail(tp, FS_EINPUT, "mpi: message too large");
    if (MPI_Recv(buf, (int)len, MPI_BYTE, peer, (int)tag, st->comm, MPI_STATUS_IGNORE) !=
        MPI_SUCCESS)
        return fs_transport_fail(tp, FS_ERUNTIME, "MPI_Recv from rank %d failed", peer);
    return 0;
}

static int mpi_waitall(fs_transport *tp, fs_req *reqs, int n)
{
    /* MPI_Wait is Open MPI's fastest completion path (MPI_Test in a loop
     * adds a call per spin: +0.05 us on an 0.1 us ping-pong).  A peer that
     * never answers is caught by fabscale-bench's watchdog thread, which
     * names the benchmark, size and rank, so no deadline is kept here. */
    for (int i = 0; i < n; i++)
        if (MPI_Wait(req_of(&reqs[i]), MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return fs_transport_fail(tp, FS_ERUNTIME, "MPI_Wait failed");
    return 0;
}

static const char *coll_call(fs_coll_op op)
{
    switch (op) {
    case FS_COLL_ALLREDUCE:
        return "MPI_Allreduce";
    case FS_COLL_REDUCE_SCATTER:
        return "MPI_Reduce_scatter_block";
    case FS_COLL_ALLGATHER:
        return "MPI_Allgather";
    case FS_COLL_ALLTOALL:
        return "MPI_Alltoall";
    case FS_COLL_ALLTOALLV:
        return "MPI_Alltoallv";
    }
    return "?";
}

static MPI_Datatype mpi_type(fs_coll_dtype dt)
{
    switch (dt) {
    case FS_COLL_FLOAT32:
        return MPI_FLOAT;
    case FS_COLL_FLOAT64:
        return MPI_DOUBLE;
    case FS_COLL_BFLOAT16:
        return MPI_UINT16_T;
    }
    return MPI_BYTE;
}

static int mpi_coll(fs_transport *tp, fs_coll_op op, const void *sbuf, void *rbuf, size_t count,
                    fs_coll_dtype dt)
{
    mpi_state *st = tp->priv;
    MPI_Datatype type = mpi_type(dt);
    MPI_Op sum = dt == FS_COLL_BFLOAT16 ? st->bf16_sum : MPI_SUM;
    if (count > INT_MAX)
        return fs_transport_fail(tp, FS_EINPUT, "%s: %zu elements exceed %d", coll_call(op), count,
                                 INT_MAX);
    int rc = MPI_ERR_OTHER, n = (int)count, blk = n / tp->nranks;
    switch (op) {
    case FS_COLL_ALLREDUCE:
        rc = MPI_Allreduce(sbuf, rbuf, n, type, sum, st->comm);
        break;
    case FS_COLL_REDUCE_SCATTER:
        rc = MPI_Reduce_scatter_block(sbuf, rbuf, blk, type, sum, st->comm);
        break;
    case FS_COLL_ALLGATHER:
        rc = MPI_Allgather(sbuf, blk, type, rbuf, blk, type, st->comm);
        break;
    case FS_COLL_ALLTOALL:
        rc = MPI_Alltoall(sbuf, blk, type, rbuf, blk, type, st->comm);
        break;
    case FS_COLL_ALLTOALLV:
        return fs_transport_fail(tp, FS_EINPUT, "MPI_Alltoallv takes a layout: use collv");
    }
    if (rc != MPI_SUCCESS)
        return fs_transport_fail(tp, FS_ERUNTIME, "%s failed (error %d)", coll_call(op), rc);
    return 0;
}

/* MPI_Alltoallv counts and displacements are ints: a layout past 2^31
 * elements is refused, not truncated. */
static int mpi_collv(fs_transport *tp, const void *sbuf, void *rbuf, const fs_coll_v *v,
                     fs_coll_dtype dt)
{
    mpi_state *st = tp->priv;
    int p = tp->nranks, *iv = st->v_ints;
    const size_t *in[4] = {v->scounts, v->sdispls, v->rcounts, v->rdispls};
    for (int k = 0; k < 4; k++)
        for (int d = 0; d < p; d++) {
            if (in[k][d] > INT_MAX)
                return fs_transport_fail(
                    tp, FS_EINPUT, "MPI_Alltoallv: %zu elements exceed MPI's int counts", in[k][d]);
            iv[k * p + d] = (int)in[k][d];
        }
    MPI_Datatype type = mpi_type(dt);
    int rc = MPI_Alltoallv(sbuf, iv, iv + p, type, rbuf, iv + 2 * p, iv + 3 * p, type, st->comm);
    if (rc != MPI_SUCCESS)
        return fs_transport_fail(tp, FS_ERUNTIME, "MPI_Alltoallv failed (error %d)", rc);
    return 0;
}

static void mpi_describe(fs_transport *tp, json_t *a)
{
    mpi_state *st = tp->priv;
    if (!st || !a) return;
    char ver[32];
    snprintf(ver, sizeof ver, "%d.%d", st->version, st->subversion);
    json_object_set_new(a, "mpi_standard", json_string(ver));
    json_object_set_new(a, "mpi_library", json_string(st->library));
    for (int k = 0; k < 3; k++) {
        char key[32];
        snprintf(key, sizeof key, "mpi_%s_selection", select_names[k]);
        json_object_set_new(a, key, st->select[k][0] ? json_string(st->select[k]) : json_null());
    }
}

const struct fs_transport_ops fs_transport_mpi = {
    .name = "mpi",
    .init = mpi_init,
    .fini = mpi_fini,
    .mr_reg = mpi_mr_reg,
    .mr_dereg = mpi_mr_dereg,
    .isend = mpi_isend,
    .irecv = mpi_irecv,
    .waitall = mpi_waitall,
    .send = mpi_send,
    .recv = mpi_recv,
    .rma_expose = NULL,
    .write_notify = NULL,
    .wait_notify = NULL,
    .coll = mpi_coll,
    .collv = mpi_collv,
    .describe = mpi_describe,
};
