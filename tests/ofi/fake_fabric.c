/* fake_fabric.c - see fake_fabric.h. */
#include "fake_fabric.h"
#include "ofi_priv.h"

#include <rdma/fi_cm.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_errno.h>
#include <rdma/fi_rma.h>
#include <rdma/fi_tagged.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

fake_state fake;

/* ---- scripted providers -------------------------------------------- */

#define EFA_MR   (FI_MR_LOCAL | FI_MR_PROV_KEY | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED)
#define RMA_CAPS (FI_RMA | FI_READ | FI_WRITE | FI_REMOTE_READ | FI_REMOTE_WRITE)

fake_prov fake_efa_direct(void)
{
    return (fake_prov){.prov = "efa",
                       .fabric = "efa-direct",
                       .domain = "rdmap0s31-rdm",
                       .caps = FI_MSG | FI_SEND | FI_RECV | RMA_CAPS,
                       .mode = FI_CONTEXT2,
                       .mr_mode = EFA_MR,
                       .inject = 0,
                       .max_msg = 8192,
                       .tx = 256,
                       .rx = 8192,
                       .cq_data = 4,
                       .data_progress = FI_PROGRESS_MANUAL};
}

fake_prov fake_efa(void)
{
    return (fake_prov){.prov = "efa",
                       .fabric = "efa",
                       .domain = "rdmap0s31-rdm",
                       .caps = FI_MSG | FI_TAGGED | FI_SEND | FI_RECV | RMA_CAPS |
                               FI_DIRECTED_RECV | FI_SOURCE,
                       .mode = 0,
                       .mr_mode = EFA_MR,
                       .inject = 4096,
                       .max_msg = SIZE_MAX,
                       .tx = 2048,
                       .rx = 4096,
                       .cq_data = 4,
                       .data_progress = FI_PROGRESS_MANUAL};
}

fake_prov fake_shm(void)
{
    return (fake_prov){.prov = "shm",
                       .fabric = "shm",
                       .domain = "shm",
                       .caps = FI_MSG | FI_TAGGED | FI_SEND | FI_RECV | RMA_CAPS,
                       .mr_mode = FI_MR_VIRT_ADDR,
                       .inject = 4096,
                       .max_msg = SIZE_MAX,
                       .tx = 1024,
                       .rx = 1024,
                       .cq_data = 8,
                       .data_progress = FI_PROGRESS_MANUAL};
}

fake_prov fake_tcp_rxm(void)
{
    return (fake_prov){.prov = "tcp;ofi_rxm",
                       .fabric = "127.0.0.1/32",
                       .domain = "lo",
                       .caps = FI_MSG | FI_TAGGED | FI_SEND | FI_RECV | RMA_CAPS,
                       .mr_mode = 0,
                       .inject = 64,
                       .max_msg = SIZE_MAX,
                       .tx = 2048,
                       .rx = 2048,
                       .cq_data = 8,
                       .data_progress = FI_PROGRESS_MANUAL};
}

/* ---- completion queue ---------------------------------------------- */

typedef struct cq_item {
    struct fi_cq_data_entry e;
    int err, prov_errno;
    bool tx;
} cq_item;

static cq_item cq_ring[4096];
static size_t cq_head, cq_tail;
static const fake_prov *cur; /* the provider the domain was opened on */

static void cq_push(void *ctx, uint64_t flags, size_t len, uint64_t data, bool tx)
{
    cq_item *it = &cq_ring[cq_tail++ % 4096];
    memset(it, 0, sizeof *it);
    it->e.op_context = ctx;
    it->e.flags = flags;
    it->e.len = len;
    it->e.data = data;
    it->tx = tx;
    if (fake.error_prov_errno && ctx) {
        it->err = fake.error_errno ? fake.error_errno : FI_EIO;
        it->prov_errno = fake.error_prov_errno;
        fake.error_prov_errno = 0;
    }
}

void fake_remote_write(uint64_t data)
{
    cq_push(NULL, FI_RMA | FI_REMOTE_WRITE | FI_REMOTE_CQ_DATA, 0, data, false);
}

static ssize_t cq_read(struct fid_cq *cq, void *buf, size_t count)
{
    (void)cq;
    fake.cq_reads++;
    struct fi_cq_data_entry *out = buf;
    size_t n = 0;
    while (n < count && cq_head != cq_tail) {
        cq_item *it = &cq_ring[cq_head % 4096];
        if (it->err) {
            if (n) break;
            return -FI_EAVAIL;
        }
        out[n++] = it->e;
        if (it->tx) fake.tx_outstanding--;
        cq_head++;
    }
    return n ? (ssize_t)n : -FI_EAGAIN;
}

static ssize_t cq_readerr(struct fid_cq *cq, struct fi_cq_err_entry *buf, uint64_t flags)
{
    (void)cq;
    (void)flags;
    if (cq_head == cq_tail || !cq_ring[cq_head % 4096].err) return -FI_EAGAIN;
    cq_item *it = &cq_ring[cq_head++ % 4096];
    if (it->tx) fake.tx_outstanding--;
    buf->op_context = it->e.op_context;
    buf->flags = it->e.flags;
    buf->len = it->e.len;
    buf->err = it->err;
    buf->prov_errno = it->prov_errno;
    return 1;
}

static const char *cq_strerror(struct fid_cq *cq, int prov_errno, const void *err_data, char *buf,
                               size_t len)
{
    (void)cq;
    (void)err_data;
    (void)buf;
    (void)len;
    return prov_errno == 4126
               ? "Unresponsive receiver (reachable by EFA device but handshake failed)"
               : "fake provider error";
}

/* ---- fids ---------------------------------------------------------- */

static int fid_close(struct fid *f)
{
    (void)f;
    fake.closed++;
    return 0;
}
static int fid_bind(struct fid *f, struct fid *b, uint64_t flags)
{
    (void)f;
    (void)b;
    (void)flags;
    return 0;
}
static int fid_control(struct fid *f, int cmd, void *arg)
{
    (void)f;
    (void)arg;
    if (cmd == FI_ENABLE) fake.ep_enabled++;
    return 0;
}
static struct fi_ops fid_ops = {
    .size = sizeof(struct fi_ops), .close = fid_close, .bind = fid_bind, .control = fid_control};

static struct fi_ops_cq cq_ops = {.size = sizeof(struct fi_ops_cq),
                                  .read = cq_read,
                                  .readerr = cq_readerr,
                                  .strerror = cq_strerror};
static struct fid_cq the_cq = {.fid = {.fclass = FI_CLASS_CQ, .ops = &fid_ops}, .ops = &cq_ops};

static int av_insert(struct fid_av *av, const void *addr, size_t count, fi_addr_t *fi_addr,
                     uint64_t flags, void *context)
{
    (void)av;
    (void)addr;
    (void)flags;
    (void)context;
    fake.av_insert_calls++;
    for (size_t i = 0; i < count; i++) fi_addr[i] = (fi_addr_t)fake.av_inserted++;
    return (int)count;
}
static struct fi_ops_av av_ops = {.size = sizeof(struct fi_ops_av), .insert = av_insert};
static struct fid_av the_av = {.fid = {.fclass = FI_CLASS_AV, .ops = &fid_ops}, .ops = &av_ops};

static void record(int kind, const void *buf, size_t len, void *desc, fi_addr_t addr, uint64_t tag,
                   uint64_t data, uint64_t raddr, uint64_t rkey)
{
    if (fake.nops >= FAKE_MAX) return;
    fake.ops[fake.nops++] = (fake_op){kind, buf, len, desc, addr, tag, data, raddr, rkey};
}

static ssize_t t_send(struct fid_ep *ep, const void *buf, size_t len, void *desc, fi_addr_t dest,
                      uint64_t tag, void *context)
{
    (void)ep;
    if (fake.eagain_left > 0) {
        fake.eagain_left--;
        return -FI_EAGAIN;
    }
    record(FAKE_TSEND, buf, len, desc, dest, tag, 0, 0, 0);
    if (++fake.tx_outstanding > fake.tx_max_outstanding)
        fake.tx_max_outstanding = fake.tx_outstanding;
    cq_push(context, FI_SEND | FI_TAGGED, len, 0, true);
    return 0;
}

static ssize_t t_inject(struct fid_ep *ep, const void *buf, size_t len, fi_addr_t dest,
                        uint64_t tag)
{
    (void)ep;
    record(FAKE_TINJECT, buf, len, NULL, dest, tag, 0, 0, 0);
    return 0;
}

static ssize_t t_recv(struct fid_ep *ep, void *buf, size_t len, void *desc, fi_addr_t src,
                      uint64_t tag, uint64_t ignore, void *context)
{
    (void)ep;
    (void)ignore;
    record(FAKE_TRECV, buf, len, desc, src, tag, 0, 0, 0);
    if (!fake.hold_recvs) cq_push(context, FI_RECV | FI_TAGGED, len, 0, false);
    return 0;
}

static ssize_t r_writedata(struct fid_ep *ep, const void *buf, size_t len, void *desc,
                           uint64_t data, fi_addr_t dest, uint64_t addr, uint64_t key,
                           void *context)
{
    (void)ep;
    if (fake.eagain_left > 0) {
        fake.eagain_left--;
        return -FI_EAGAIN;
    }
    record(FAKE_WRITEDATA, buf, len, desc, dest, 0, data, addr, key);
    if (++fake.tx_outstanding > fake.tx_max_outstanding)
        fake.tx_max_outstanding = fake.tx_outstanding;
    cq_push(context, FI_RMA | FI_WRITE, len, 0, true);
    return 0;
}

static int ep_getname(fid_t fid, void *addr, size_t *len)
{
    (void)fid;
    if (*len < 8) return -FI_ETOOSMALL;
    memcpy(addr, "fakeaddr", 8);
    *len = 8;
    return 0;
}

static int ep_getopt(fid_t fid, int level, int name, void *val, size_t *len)
{
    (void)fid;
    (void)level;
    (void)name;
    (void)val;
    (void)len;
    return -FI_ENOPROTOOPT;
}

static struct fi_ops_ep ep_ops = {.size = sizeof(struct fi_ops_ep), .getopt = ep_getopt};
static struct fi_ops_cm cm_ops = {.size = sizeof(struct fi_ops_cm), .getname = ep_getname};
static struct fi_ops_tagged tagged_ops = {
    .size = sizeof(struct fi_ops_tagged), .send = t_send, .inject = t_inject, .recv = t_recv};
static struct fi_ops_rma rma_ops = {.size = sizeof(struct fi_ops_rma), .writedata = r_writedata};
static struct fid_ep the_ep = {.fid = {.fclass = FI_CLASS_EP, .ops = &fid_ops},
                               .ops = &ep_ops,
                               .cm = &cm_ops,
                               .tagged = &tagged_ops,
                               .rma = &rma_ops};

static struct fid_mr mrs[FAKE_MAX];
static char descs[FAKE_MAX];

static int mr_reg(struct fid *fid, const void *buf, size_t len, uint64_t access, uint64_t offset,
                  uint64_t requested_key, uint64_t flags, struct fid_mr **mr, void *context)
{
    (void)fid;
    (void)offset;
    (void)flags;
    (void)context;
    if (fake.mr_reg_rc) return fake.mr_reg_rc;
    int i = fake.nmrs++;
    uint64_t key = (cur->mr_mode & FI_MR_PROV_KEY) ? 0xefa0000ull + (uint64_t)i : requested_key;
    mrs[i] = (struct fid_mr){
        .fid = {.fclass = FI_CLASS_MR, .ops = &fid_ops}, .mem_desc = &descs[i], .key = key};
    fake.mrs[i] = (fake_mr_rec){buf, len, access, requested_key, key};
    *mr = &mrs[i];
    return 0;
}

static int dom_cq_open(struct fid_domain *d, struct fi_cq_attr *attr, struct fid_cq **cq, void *ctx)
{
    (void)d;
    (void)attr;
    (void)ctx;
    *cq = &the_cq;
    return 0;
}
static int dom_av_open(struct fid_domain *d, struct fi_av_attr *attr, struct fid_av **av, void *ctx)
{
    (void)d;
    (void)ctx;
    if (attr->type != FI_AV_TABLE) return -FI_EINVAL;
    *av = &the_av;
    return 0;
}
static int dom_endpoint(struct fid_domain *d, struct fi_info *info, struct fid_ep **ep, void *ctx)
{
    (void)d;
    (void)info;
    (void)ctx;
    *ep = &the_ep;
    return 0;
}
static struct fi_ops_domain dom_ops = {.size = sizeof(struct fi_ops_domain),
                                       .av_open = dom_av_open,
                                       .cq_open = dom_cq_open,
                                       .endpoint = dom_endpoint};
static struct fi_ops_mr mr_ops = {.size = sizeof(struct fi_ops_mr), .reg = mr_reg};
static struct fid_domain the_domain = {
    .fid = {.fclass = FI_CLASS_DOMAIN, .ops = &fid_ops}, .ops = &dom_ops, .mr = &mr_ops};

static int fab_domain(struct fid_fabric *f, struct fi_info *info, struct fid_domain **d, void *ctx)
{
    (void)f;
    (void)ctx;
    if (fake.ndomains < 8)
        snprintf(fake.domains[fake.ndomains++], sizeof fake.domains[0], "%s",
                 info->domain_attr->name);
    cur = NULL;
    for (int i = 0; i < fake.nprovs; i++)
        if (strcmp(fake.provs[i].fabric, info->fabric_attr->name) == 0 &&
            strcmp(fake.provs[i].prov, info->fabric_attr->prov_name) == 0)
            cur = &fake.provs[i];
    if (!cur) return -FI_EINVAL;
    *d = &the_domain;
    return 0;
}
static struct fi_ops_fabric fab_ops = {.size = sizeof(struct fi_ops_fabric), .domain = fab_domain};
static struct fid_fabric the_fabric = {.fid = {.fclass = FI_CLASS_FABRIC, .ops = &fid_ops},
                                       .ops = &fab_ops};

/* ---- wrapped library entry points ---------------------------------- */

int __wrap_fi_fabric(struct fi_fabric_attr *attr, struct fid_fabric **fabric, void *context);
int __wrap_fi_fabric(struct fi_fabric_attr *attr, struct fid_fabric **fabric, void *context)
{
    (void)attr;
    (void)context;
    *fabric = &the_fabric;
    return 0;
}

uint32_t __wrap_fi_version(void);
uint32_t __wrap_fi_version(void)
{
    return fake.runtime_version;
}

static bool prov_matches(const char *want, const char *have)
{
    if (!want) return true;
    if (strcmp(want, have) == 0) return true;
    size_t n = strlen(want); /* "tcp" names the core under "tcp;ofi_rxm" */
    return strncmp(want, have, n) == 0 && have[n] == ';';
}

static struct fi_info *make_info(const fake_prov *p)
{
    struct fi_info *i = fi_allocinfo();
    i->caps = p->caps;
    i->mode = p->mode;
    i->ep_attr->type = FI_EP_RDM;
    i->ep_attr->max_msg_size = p->max_msg;
    i->tx_attr->inject_size = p->inject;
    i->tx_attr->size = p->tx;
    i->tx_attr->msg_order = FI_ORDER_SAS;
    i->rx_attr->size = p->rx;
    i->rx_attr->msg_order = FI_ORDER_SAS;
    i->domain_attr->mr_mode = (int)p->mr_mode;
    i->domain_attr->mr_key_size = 8;
    i->domain_attr->cq_data_size = p->cq_data;
    i->domain_attr->data_progress = p->data_progress;
    i->domain_attr->control_progress = FI_PROGRESS_AUTO;
    i->domain_attr->threading = FI_THREAD_DOMAIN;
    i->domain_attr->av_type = FI_AV_TABLE;
    i->domain_attr->name = strdup(p->domain);
    i->fabric_attr->name = strdup(p->fabric);
    i->fabric_attr->prov_name = strdup(p->prov);
    i->fabric_attr->prov_version = FI_VERSION(122, 0);
    return i;
}

int __wrap_fi_getinfo(uint32_t version, const char *node, const char *service, uint64_t flags,
                      const struct fi_info *hints, struct fi_info **info);
int __wrap_fi_getinfo(uint32_t version, const char *node, const char *service, uint64_t flags,
                      const struct fi_info *hints, struct fi_info **info)
{
    (void)version;
    (void)node;
    (void)service;
    (void)flags;
    if (fake.getinfo_calls++ == 0 && hints) {
        fake.hint_caps = hints->caps;
        fake.hint_mode = hints->mode;
        fake.hint_mr_mode = (uint64_t)hints->domain_attr->mr_mode;
        fake.hint_av_type = hints->domain_attr->av_type;
        fake.hint_cq_data = hints->domain_attr->cq_data_size;
        fake.hint_ep_type = (int)hints->ep_attr->type;
        fake.hint_tx_order = hints->tx_attr->msg_order;
    }
    struct fi_info *head = NULL, **tail = &head;
    for (int k = 0; k < fake.nprovs; k++) {
        const fake_prov *p = &fake.provs[k];
        if (hints) {
            if (!prov_matches(hints->fabric_attr ? hints->fabric_attr->prov_name : NULL, p->prov))
                continue;
            if (hints->caps & ~p->caps) continue;
            /* Modes the provider requires must be accepted by the hints. */
            if (p->mode & ~hints->mode) continue;
            uint64_t hmr = (uint64_t)hints->domain_attr->mr_mode;
            if (p->mr_mode & ~hmr) continue;
            if (hints->domain_attr->cq_data_size > p->cq_data) continue;
        }
        *tail = make_info(p);
        tail = &(*tail)->next;
    }
    *info = head;
    return head ? 0 : -FI_ENODATA;
}

/* ---- launcher -------------------------------------------------------- */

int ofi_boot_rank(int *rank, int *nranks)
{
    *rank = 0;
    *nranks = fake.nranks;
    return 0;
}
int ofi_boot_allgather(const void *mine, void *all, size_t len)
{
    for (int r = 0; r < fake.nranks; r++) memcpy((char *)all + (size_t)r * len, mine, len);
    return 0;
}
int ofi_boot_agree(int rc)
{
    return rc;
}
size_t ofi_boot_min_size(size_t v)
{
    return v;
}
int ofi_boot_add_progress(void (*fn)(void *), void *arg)
{
    (void)fn;
    (void)arg;
    return 0;
}

void ofi_boot_remove_progress(void (*fn)(void *), void *arg)
{
    (void)fn;
    (void)arg;
}

void ofi_boot_fini(void) {}

void fake_reset(void)
{
    memset(&fake, 0, sizeof fake);
    fake.nranks = 2;
    fake.runtime_version = FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION);
    cq_head = cq_tail = 0;
    cur = NULL;
}

void fake_add(fake_prov p)
{
    fake.provs[fake.nprovs++] = p;
}
