/* path_proof.c - NIC byte counters before/after a run and the verdict on
 * the path its bytes took (path_proof.h). */
#include "path_proof.h"

#include <dirent.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchdog.h"

/* ---- reading sysfs ---- */

/* The unsigned number in a one-line file; false when absent or not one. */
static bool read_u64(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char buf[64];
    bool ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    if (!ok) return false;
    char *end;
    unsigned long long v = strtoull(buf, &end, 10);
    if (end == buf || (*end != '\n' && *end != '\0')) return false;
    *out = v;
    return true;
}

typedef struct vec {
    fs_nic_counter *v;
    size_t n, cap;
    bool oom;
} vec;

static void push(vec *a, const char *name, const char *device, bool rdma, uint64_t tx, uint64_t rx)
{
    if (a->oom) return;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 16;
        fs_nic_counter *v = realloc(a->v, cap * sizeof *v);
        if (!v) {
            a->oom = true;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    fs_nic_counter *c = &a->v[a->n++];
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->device, sizeof c->device, "%s", device);
    c->rdma = rdma;
    c->tx_bytes = tx;
    c->rx_bytes = rx;
}

static bool skip_entry(const struct dirent *e)
{
    return e->d_name[0] == '.';
}

/* A sysfs path into buf; false when it does not fit (the entry is then
 * skipped: no real sysfs path comes near these lengths). */
__attribute__((format(printf, 3, 4))) static bool pathf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < len;
}

/* /sys/class/net/DEV/statistics/{tx,rx}_bytes */
static void read_net(const char *sysfs, vec *a)
{
    char dir[4096], p[4096 + 2 * FS_NIC_NAME_MAX];
    if (!pathf(dir, sizeof dir, "%s/class/net", sysfs)) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (skip_entry(e) || strlen(e->d_name) >= FS_NIC_NAME_MAX) continue;
        uint64_t tx, rx;
        if (!pathf(p, sizeof p, "%s/%s/statistics/tx_bytes", dir, e->d_name) || !read_u64(p, &tx))
            continue;
        if (!pathf(p, sizeof p, "%s/%s/statistics/rx_bytes", dir, e->d_name) || !read_u64(p, &rx))
            continue;
        push(a, e->d_name, e->d_name, false, tx, rx);
    }
    closedir(d);
}

/* One RDMA port: EFA's hw_counters/{tx,rx}_bytes (bytes), else the
 * InfiniBand port counters port_{xmit,rcv}_data (4-byte words, per the
 * InfiniBand specification's PortCounters). */
static bool read_port(const char *port, uint64_t *tx, uint64_t *rx)
{
    char p[8192 + 32]; /* port (< 8192) and the longest counter path */
    if (pathf(p, sizeof p, "%s/hw_counters/tx_bytes", port) && read_u64(p, tx) &&
        pathf(p, sizeof p, "%s/hw_counters/rx_bytes", port) && read_u64(p, rx))
        return true;
    if (!pathf(p, sizeof p, "%s/counters/port_xmit_data", port) || !read_u64(p, tx)) return false;
    if (!pathf(p, sizeof p, "%s/counters/port_rcv_data", port) || !read_u64(p, rx)) return false;
    *tx *= 4;
    *rx *= 4;
    return true;
}

static void read_ib(const char *sysfs, vec *a)
{
    char dir[4096], ports[4096 + FS_NIC_NAME_MAX], port[8192];
    if (!pathf(dir, sizeof dir, "%s/class/infiniband", sysfs)) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (skip_entry(e) || strlen(e->d_name) >= FS_NIC_NAME_MAX / 2) continue;
        if (!pathf(ports, sizeof ports, "%s/%s/ports", dir, e->d_name)) continue;
        DIR *pd = opendir(ports);
        if (!pd) continue;
        struct dirent *pe;
        while ((pe = readdir(pd))) {
            if (skip_entry(pe) || strlen(pe->d_name) >= FS_NIC_NAME_MAX / 4) continue;
            uint64_t tx, rx;
            char name[FS_NIC_NAME_MAX];
            if (!pathf(port, sizeof port, "%s/%s", ports, pe->d_name) ||
                !read_port(port, &tx, &rx) ||
                !pathf(name, sizeof name, "%s/%s", e->d_name, pe->d_name))
                continue;
            push(a, name, e->d_name, true, tx, rx);
        }
        closedir(pd);
    }
    closedir(d);
}

static int by_name(const void *a, const void *b)
{
    const fs_nic_counter *x = a, *y = b;
    if (x->rdma != y->rdma) return x->rdma ? 1 : -1;
    return strcmp(x->name, y->name);
}

int fs_nic_snapshot_read(const char *sysfs, fs_nic_snapshot *out)
{
    vec a = {0};
    read_net(sysfs, &a);
    read_ib(sysfs, &a);
    out->n = 0;
    out->v = NULL;
    if (a.oom) {
        free(a.v);
        return -1;
    }
    if (a.n) qsort(a.v, a.n, sizeof *a.v, by_name);
    out->n = a.n;
    out->v = a.v;
    return 0;
}

void fs_nic_snapshot_free(fs_nic_snapshot *s)
{
    if (!s) return;
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static const fs_nic_counter *find(const fs_nic_snapshot *s, const fs_nic_counter *like)
{
    return s->n ? bsearch(like, s->v, s->n, sizeof *s->v, by_name) : NULL;
}

int fs_nic_delta(const fs_nic_snapshot *before, const fs_nic_snapshot *after,
                 fs_nic_snapshot *delta)
{
    vec a = {0};
    for (size_t i = 0; i < after->n; i++) {
        const fs_nic_counter *y = &after->v[i], *x = find(before, y);
        if (!x) continue; /* appeared during the run: no baseline */
        push(&a, y->name, y->device, y->rdma,
             y->tx_bytes >= x->tx_bytes ? y->tx_bytes - x->tx_bytes : y->tx_bytes,
             y->rx_bytes >= x->rx_bytes ? y->rx_bytes - x->rx_bytes : y->rx_bytes);
    }
    delta->n = 0;
    delta->v = NULL;
    if (a.oom) {
        free(a.v);
        return -1;
    }
    delta->n = a.n;
    delta->v = a.v;
    return 0;
}

/* ---- pure decisions ---- */

/* The core provider of a stack ("tcp;ofi_rxm" -> "tcp"). */
static void core_provider(const char *provider, char *out, size_t len)
{
    snprintf(out, len, "%s", provider ? provider : "");
    char *semi = strchr(out, ';');
    if (semi) *semi = '\0';
}

void fs_path_domain_device(const char *provider, const char *domain, char *out, size_t len)
{
    char core[64];
    core_provider(provider, core, sizeof core);
    out[0] = '\0';
    if (!domain || !*domain) return;
    if (!strcmp(core, "tcp") || !strcmp(core, "sockets") || !strcmp(core, "udp")) {
        snprintf(out, len, "%s", domain); /* the interface */
    } else if (!strncmp(core, "efa", 3) || !strcmp(core, "verbs")) {
        /* The device, without the endpoint type libfabric appends. */
        snprintf(out, len, "%s", domain);
        char *dash = strrchr(out, '-');
        if (dash && (!strcmp(dash, "-rdm") || !strcmp(dash, "-dgrm") || !strcmp(dash, "-dgram") ||
                     !strcmp(dash, "-xrc")))
            *dash = '\0';
    }
}

static uint64_t device_bytes(const fs_nic_snapshot *delta, const char *device, bool *found)
{
    uint64_t sum = 0;
    *found = false;
    for (size_t i = 0; i < delta->n; i++) {
        if (strcmp(delta->v[i].device, device)) continue;
        *found = true;
        sum += delta->v[i].tx_bytes + delta->v[i].rx_bytes;
    }
    return sum;
}

static bool is_expected(const char *device, const char *const *expected, size_t nexp)
{
    for (size_t k = 0; k < nexp; k++)
        if (!strcmp(device, expected[k])) return true;
    return false;
}

void fs_path_judge(const fs_nic_snapshot *delta, const char *const *expected, size_t nexp,
                   double moved, fs_path_verdict *v)
{
    v->status = FS_PATH_UNCHECKED;
    v->message[0] = '\0';
    if (nexp == 0) {
        snprintf(v->message, sizeof v->message,
                 "the transport names no NIC: nothing to check the counters against");
        return;
    }
    if (!(moved > 0)) {
        snprintf(v->message, sizeof v->message,
                 "no bytes crossed hosts from this host (its ranks talked to their own host)");
        return;
    }
    /* Where bytes went besides the expected devices: named in a warning. */
    const fs_nic_counter *other = NULL;
    for (size_t i = 0; i < delta->n; i++) {
        const fs_nic_counter *c = &delta->v[i];
        if (is_expected(c->device, expected, nexp)) continue;
        if (!other || c->tx_bytes + c->rx_bytes > other->tx_bytes + other->rx_bytes) other = c;
    }
    double need = moved / (4.0 * (double)nexp);
    size_t len = 0;
    v->status = FS_PATH_OK;
    for (size_t k = 0; k < nexp; k++) {
        bool found;
        uint64_t got = device_bytes(delta, expected[k], &found);
        if (!found) {
            v->status = FS_PATH_UNCHECKED;
            snprintf(v->message, sizeof v->message,
                     "no byte counters for device %s on this host (sysfs class net or "
                     "infiniband): the path is not proven",
                     expected[k]);
            return;
        }
        if ((double)got < need && v->status == FS_PATH_OK) {
            v->status = FS_PATH_WARN;
            len = (size_t)snprintf(v->message, sizeof v->message,
                                   "device %s carried %" PRIu64
                                   " bytes while the run moved %.0f bytes between hosts "
                                   "(%zu device%s expected, each >= %.0f): the traffic went "
                                   "elsewhere",
                                   expected[k], got, moved, nexp, nexp == 1 ? "" : "s", need);
            if (other && other->tx_bytes + other->rx_bytes > 0 && len < sizeof v->message)
                snprintf(v->message + len, sizeof v->message - len,
                         " (busiest other device: %s, %" PRIu64 " bytes)", other->name,
                         other->tx_bytes + other->rx_bytes);
        }
    }
    if (v->status != FS_PATH_OK) return;
    len = (size_t)snprintf(v->message, sizeof v->message, "%.0f bytes moved between hosts;", moved);
    for (size_t k = 0; k < nexp && len < sizeof v->message; k++) {
        bool found;
        uint64_t got = device_bytes(delta, expected[k], &found);
        len += (size_t)snprintf(v->message + len, sizeof v->message - len, " %s %" PRIu64 " bytes",
                                expected[k], got);
    }
}

static int json_tristate(const json_t *v)
{
    return json_is_boolean(v) ? json_is_true(v) : -1;
}

int fs_path_device_rdma(const char *provider, const json_t *attributes)
{
    char core[64];
    core_provider(provider, core, sizeof core);
    if (!strcmp(core, "tcp") || !strcmp(core, "sockets") || !strcmp(core, "udp") ||
        !strcmp(core, "shm") || !strcmp(core, "sm2"))
        return 0; /* the host's CPU moves the bytes */
    int rma = json_tristate(json_object_get(attributes, "rma"));
    if (!strncmp(core, "efa", 3)) {
        if (rma <= 0) return rma;
        int emulated = json_tristate(json_object_get(attributes, "efa_emulated_write"));
        return emulated < 0 ? -1 : !emulated;
    }
    if (!strcmp(core, "verbs")) return rma;
    return -1;
}

int fs_path_hmem(const json_t *attributes)
{
    const json_t *caps = json_object_get(attributes, "caps");
    if (!json_is_array(caps)) return -1;
    size_t i;
    const json_t *c;
    json_array_foreach(caps, i, c)
    {
        if (json_is_string(c) && !strcmp(json_string_value(c), "FI_HMEM")) return 1;
    }
    return 0;
}

static json_t *tristate_json(int v)
{
    return v < 0 ? json_null() : json_boolean(v);
}

static const char *status_name(fs_path_status s)
{
    return s == FS_PATH_OK ? "ok" : s == FS_PATH_WARN ? "warning" : "unchecked";
}

json_t *fs_path_proof_json(const char *provider, const char *fabric, const char *const *domains,
                           size_t ndomains, const json_t *attributes, const fs_nic_snapshot *delta,
                           const fs_path_verdict *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "provider", provider ? json_string(provider) : json_null());
    json_object_set_new(o, "fabric", fabric ? json_string(fabric) : json_null());
    json_t *doms = json_array(), *devs = json_array();
    for (size_t k = 0; k < ndomains; k++) {
        char dev[FS_NIC_NAME_MAX];
        json_array_append_new(doms, json_string(domains[k]));
        fs_path_domain_device(provider, domains[k], dev, sizeof dev);
        if (dev[0]) json_array_append_new(devs, json_string(dev));
    }
    json_object_set_new(o, "domains", doms);
    json_object_set_new(o, "expected_devices", devs);
    json_object_set_new(o, "device_rdma", tristate_json(fs_path_device_rdma(provider, attributes)));
    json_object_set_new(o, "hmem", tristate_json(fs_path_hmem(attributes)));
    /* Every device that moved bytes, and the expected ones even at 0. */
    json_t *counters = json_object();
    for (size_t i = 0; delta && i < delta->n; i++) {
        const fs_nic_counter *c = &delta->v[i];
        bool exp = false;
        size_t k;
        json_t *d;
        json_array_foreach(devs, k, d) exp |= !strcmp(json_string_value(d), c->device);
        if (!exp && c->tx_bytes + c->rx_bytes == 0) continue;
        json_t *e = json_object();
        json_object_set_new(e, "device", json_string(c->device));
        json_object_set_new(e, "class", json_string(c->rdma ? "infiniband" : "net"));
        json_object_set_new(e, "tx_bytes", json_integer((json_int_t)c->tx_bytes));
        json_object_set_new(e, "rx_bytes", json_integer((json_int_t)c->rx_bytes));
        json_object_set_new(counters, c->name, e);
    }
    json_object_set_new(o, "counters_delta", counters);
    json_object_set_new(o, "verdict", json_string(status_name(v->status)));
    json_object_set_new(o, "message", json_string(v->message));
    return o;
}

/* ---- the hook ---- */

struct fs_path_proof {
    fs_nic_snapshot before;
};

static const char *sysfs_root(void)
{
    const char *r = getenv("FS_SYSFS_ROOT"); /* tests: a fake tree */
    return r && *r ? r : "/sys";
}

fs_path_proof *fs_path_proof_begin(void)
{
    fs_path_proof *pp = calloc(1, sizeof *pp);
    if (pp && fs_nic_snapshot_read(sysfs_root(), &pp->before)) {
        free(pp);
        return NULL;
    }
    return pp;
}

/* Payload between hosts (see fs_path_proof_end in the header). */
static double moved_between_hosts(const fs_run *run, const fs_hostmap *hosts)
{
    bool apart;
    if (run->peer_hosts[0] && run->peer_hosts[1]) {
        apart = strcmp(run->peer_hosts[0], run->peer_hosts[1]) != 0;
    } else {
        apart = false;
        for (int r = 1; hosts && r < hosts->nranks && !apart; r++)
            apart = strcmp(hosts->name[r], hosts->name[0]) != 0;
    }
    if (!apart) return 0;
    double moved = 0;
    for (size_t i = 0; i < run->npoints; i++) {
        const fs_point *p = &run->points[i];
        if (p->bytes > 0 && p->iterations > 0)
            moved += p->bytes * p->iterations * (run->window > 1 ? run->window : 1);
    }
    return moved;
}

#define MAX_DOMAINS 64

void fs_path_proof_end(fs_path_proof *pp, fs_transport *tp, fs_run *run, const fs_hostmap *hosts)
{
    if (!pp) return;
    fs_nic_snapshot after = {0}, delta = {0};
    if (!run || fs_nic_snapshot_read(sysfs_root(), &after) ||
        fs_nic_delta(&pp->before, &after, &delta))
        goto out;

    /* The domains: every rail's with --nics (attributes.rails), else the one. */
    const char *domains[MAX_DOMAINS];
    size_t nd = 0;
    const json_t *rails = json_object_get(run->attributes, "rails");
    size_t i;
    const json_t *r;
    json_array_foreach(rails, i, r)
    {
        const char *d = json_string_value(json_object_get(r, "domain"));
        if (d && nd < MAX_DOMAINS) domains[nd++] = d;
    }
    if (nd == 0 && tp->domain[0]) domains[nd++] = tp->domain;

    char devbuf[MAX_DOMAINS][FS_NIC_NAME_MAX];
    const char *expected[MAX_DOMAINS];
    size_t ne = 0;
    for (size_t k = 0; k < nd; k++) {
        fs_path_domain_device(tp->provider, domains[k], devbuf[ne], sizeof devbuf[ne]);
        if (devbuf[ne][0]) {
            expected[ne] = devbuf[ne];
            ne++;
        }
    }
    fs_path_verdict v;
    double moved = moved_between_hosts(run, hosts);
    fs_path_judge(&delta, expected, ne, moved, &v);
    json_t *o =
        fs_path_proof_json(tp->provider[0] ? tp->provider : NULL, tp->fabric[0] ? tp->fabric : NULL,
                           domains, nd, run->attributes, &delta, &v);
    json_object_set_new(o, "moved_bytes", json_real(moved));
    fs_watchdog_lock(); /* its thread may be writing the document */
    if (!run->extra) run->extra = json_object();
    json_object_set_new(run->extra, "path_proof", o);
    if (v.status == FS_PATH_WARN && run->notes) {
        char note[900];
        snprintf(note, sizeof note, "path warning: %s", v.message);
        json_array_append_new(run->notes, json_string(note));
    }
    fs_watchdog_unlock();
    if (v.status == FS_PATH_WARN)
        fprintf(stderr, "fabscale-bench: warning: %s over %s/%s: %s\n", run->benchmark,
                tp->ops->name, tp->provider, v.message);
out:
    fs_nic_snapshot_free(&after);
    fs_nic_snapshot_free(&delta);
    fs_nic_snapshot_free(&pp->before);
    free(pp);
}
