/* metadata.c - hosts, bindings (hwloc), topology, instance type, versions. */
#include "metadata.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hwloc.h>
#include <rdma/fabric.h>

void fs_utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Every rank's len bytes of mine, back to back in *all (malloc'd; *total
 * bytes) where data lands (root, or every rank for FS_RTE_ALL): the
 * lengths first (8 bytes a rank), then one variable-size gather.  0 or -1;
 * a rank without room still takes part. */
static int gather_bytes(fs_rte *rte, const void *mine, size_t len, int root, char **all,
                        size_t *total)
{
    size_t n = (size_t)rte->size;
    bool lands = root == FS_RTE_ALL || root == rte->rank;
    size_t *lens = lands ? malloc(2 * n * sizeof *lens) : NULL;
    size_t dummy[2];
    int rc = root == FS_RTE_ALL ? fs_rte_allgather(rte, &len, lens ? lens : dummy, sizeof len)
                                : fs_rte_gather(rte, &len, lens ? lens : dummy, sizeof len, root);
    if (lands && !lens) fs_rte_abort(rte, 1, "fabscale-bench: out of memory gathering metadata");
    size_t *displs = lens ? lens + n : NULL, sum = 0;
    for (size_t r = 0; lands && r < n; r++) displs[r] = sum, sum += lens[r];
    char *buf = lands ? malloc(sum ? sum : 1) : NULL;
    if (lands && !buf) fs_rte_abort(rte, 1, "fabscale-bench: out of memory gathering metadata");
    if (rc == 0) rc = fs_rte_gatherv(rte, mine, len, buf, lens, displs, root);
    free(lens);
    if (rc) {
        free(buf);
        buf = NULL;
    }
    *all = buf;
    *total = lands ? sum : 0;
    return rc;
}

/* FNV-1a: the host table's hash. */
static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

int fs_hostmap_build(fs_hostmap *m, int nranks, int rank, char *all)
{
    memset(m, 0, sizeof *m);
    m->nranks = nranks;
    m->names = all;
    size_t n = nranks > 0 ? (size_t)nranks : 0, cap = 16;
    while (cap < 2 * n) cap *= 2;
    m->name = malloc((n ? n : 1) * sizeof *m->name);
    m->host = malloc((n ? n : 1) * sizeof *m->host);
    m->leader = malloc((n ? n : 1) * sizeof *m->leader);
    int *slot = malloc(cap * sizeof *slot); /* open addressing: host index + 1, 0 free */
    if (!m->name || !m->host || !m->leader || !slot || !all) {
        free(slot);
        fs_hostmap_free(m);
        return -1;
    }
    memset(slot, 0, cap * sizeof *slot);
    const char *p = all;
    for (size_t r = 0; r < n; r++, p += strlen(p) + 1) {
        m->name[r] = p;
        size_t i = hash_name(p) & (cap - 1);
        while (slot[i] && strcmp(m->name[m->leader[slot[i] - 1]], p) != 0) i = (i + 1) & (cap - 1);
        if (!slot[i]) {
            m->leader[m->nhosts] = (int)r;
            slot[i] = ++m->nhosts;
        }
        m->host[r] = slot[i] - 1;
    }
    free(slot);
    for (size_t r = 0; r < n; r++) {
        if (m->host[r] != m->host[rank]) continue;
        if ((int)r < rank) m->local_rank++;
        m->local_size++;
    }
    return 0;
}

int fs_hostmap_gather(fs_rte *rte, fs_hostmap *m)
{
    char me[256] = {0};
    gethostname(me, sizeof me - 1);
    char *all = NULL;
    size_t total = 0;
    memset(m, 0, sizeof *m);
    if (gather_bytes(rte, me, strlen(me) + 1, FS_RTE_ALL, &all, &total)) return -1;
    return fs_hostmap_build(m, rte->size, rte->rank, all);
}

void fs_hostmap_free(fs_hostmap *m)
{
    free(m->name);
    free(m->host);
    free(m->leader);
    free(m->names);
    memset(m, 0, sizeof *m);
}

static hwloc_topology_t load_topology(bool io)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo)) return NULL;
    if (io) hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
    if (hwloc_topology_load(topo)) {
        hwloc_topology_destroy(topo);
        return NULL;
    }
    return topo;
}

/* This rank's topology, loaded once (fs_bind_rank, then
 * fs_metadata_collect, which releases it).  I/O discovery (PCI config
 * reads: ~20 ms a rank here) only on a host's leader, the one rank that
 * reports its network devices. */
static hwloc_topology_t topo_cached;
static bool topo_loaded, topo_io;

static hwloc_topology_t topology(const fs_hostmap *hosts)
{
    if (!topo_loaded) {
        topo_io = hosts->local_rank == 0;
        topo_cached = load_topology(topo_io);
        topo_loaded = true;
    }
    return topo_cached;
}

static void topology_release(void)
{
    if (topo_cached) hwloc_topology_destroy(topo_cached);
    topo_cached = NULL;
    topo_loaded = false;
}

/* What fs_bind_rank decided; FS_BOUND_NOBODY until it ran. */
static fs_bound_by bound_by = FS_BOUND_NOBODY;
static bool bind_decided;

bool fs_launcher_says_unbound(const char *ompi_policy, const char *slurm_type)
{
    /* Slurm's type is a list ("quiet,none" style values have been seen in
     * SLURM_CPU_BIND; the type itself is one word, but accept either). */
    if (ompi_policy && strcmp(ompi_policy, "none") == 0) return true;
    if (!slurm_type) return false;
    for (const char *p = slurm_type; (p = strstr(p, "none")); p += 4) {
        bool starts = p == slurm_type || p[-1] == ',';
        bool ends = p[4] == '\0' || p[4] == ',';
        if (starts && ends) return true;
    }
    return false;
}

fs_bound_by fs_bind_decide(bool want_core, bool launcher_none, const char *cpus,
                           const char *allowed, bool *bind)
{
    hwloc_bitmap_t cur = hwloc_bitmap_alloc(), all = hwloc_bitmap_alloc();
    bool unbound = hwloc_bitmap_list_sscanf(cur, cpus) == 0 &&
                   hwloc_bitmap_list_sscanf(all, allowed) == 0 && hwloc_bitmap_isincluded(all, cur);
    hwloc_bitmap_free(cur);
    hwloc_bitmap_free(all);
    /* An explicit "leave it unbound" is the user's placement: on an
     * emulated cluster every host shares the same cores, and pinning each
     * rank to one starves the kernel's network work on that core (bw over
     * tcp at 64 KiB fell to 0.6x of fi_rdm_tagged_bw's). */
    *bind = want_core && unbound && !launcher_none;
    return !unbound ? FS_BOUND_LAUNCHER : *bind ? FS_BOUND_FABSCALE : FS_BOUND_NOBODY;
}

const char *fs_bound_by_name(fs_bound_by b)
{
    return b == FS_BOUND_LAUNCHER ? "launcher" : b == FS_BOUND_FABSCALE ? "fabscale-bench" : "none";
}

/* This process's mask and allowed set as hwloc lists ("" when unknown). */
static void masks(hwloc_topology_t topo, char *cpus, char *allowed, size_t len)
{
    cpus[0] = allowed[0] = '\0';
    hwloc_bitmap_t cur = hwloc_bitmap_alloc();
    if (hwloc_get_cpubind(topo, cur, HWLOC_CPUBIND_PROCESS) == 0)
        hwloc_bitmap_list_snprintf(cpus, len, cur);
    hwloc_bitmap_list_snprintf(allowed, len, hwloc_topology_get_allowed_cpuset(topo));
    hwloc_bitmap_free(cur);
}

bool fs_yield_when_idle(int ranks_on_host, long cpus_online, const char *env_yield)
{
    if (env_yield && *env_yield) return strcmp(env_yield, "0") != 0;
    return cpus_online > 0 && ranks_on_host > cpus_online;
}

int fs_bind_rank(fs_rte *rte, const fs_hostmap *hosts, char *errmsg, size_t len)
{
    (void)rte;
    int local = hosts->local_rank;
    hwloc_topology_t topo = topology(hosts);
    if (!topo) {
        snprintf(errmsg, len, "hwloc could not load the topology");
        return -1;
    }
    int rc = 0;
    char cpus[1024], allowed[1024];
    masks(topo, cpus, allowed, sizeof cpus);
    bool bind = false;
    bool none = fs_launcher_says_unbound(getenv("OMPI_MCA_hwloc_base_binding_policy"),
                                         getenv("SLURM_CPU_BIND_TYPE"));
    bound_by = fs_bind_decide(true, none, cpus, allowed, &bind);
    bind_decided = true;
    if (bind) {
        int ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
        hwloc_obj_t target = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, local % ncores);
        if (target && hwloc_set_cpubind(topo, target->cpuset, HWLOC_CPUBIND_PROCESS)) {
            snprintf(errmsg, len, "hwloc could not bind to core %d", local % ncores);
            rc = -1;
        }
    }
    return rc;
}

/* "cores 0 (PUs 0), NUMA 0" for this process. */
static void describe_binding(hwloc_topology_t topo, char *out, size_t len)
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_PROCESS)) {
        snprintf(out, len, "unknown");
        hwloc_bitmap_free(set);
        return;
    }
    hwloc_bitmap_t cores = hwloc_bitmap_alloc(), numas = hwloc_bitmap_alloc();
    hwloc_obj_t o = NULL;
    while ((o = hwloc_get_next_obj_covering_cpuset_by_type(topo, set, HWLOC_OBJ_CORE, o)))
        hwloc_bitmap_set(cores, o->logical_index);
    hwloc_bitmap_t nodeset = hwloc_bitmap_alloc();
    hwloc_cpuset_to_nodeset(topo, set, nodeset);
    char pus[64], cs[64], ns[64];
    hwloc_bitmap_list_snprintf(pus, sizeof pus, set);
    hwloc_bitmap_list_snprintf(cs, sizeof cs, cores);
    hwloc_bitmap_list_snprintf(ns, sizeof ns, nodeset);
    snprintf(out, len, "core %s (PU %s), NUMA %s", cs, pus, ns);
    hwloc_bitmap_free(set);
    hwloc_bitmap_free(cores);
    hwloc_bitmap_free(numas);
    hwloc_bitmap_free(nodeset);
}

static json_t *topology_json(hwloc_topology_t topo)
{
    json_t *t = json_object();
    json_object_set_new(t, "packages",
                        json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE)));
    json_object_set_new(t, "numa_nodes",
                        json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE)));
    json_object_set_new(t, "cores", json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE)));
    json_object_set_new(t, "pus", json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU)));
    json_t *devs = json_array();
    hwloc_obj_t o = NULL;
    while ((o = hwloc_get_next_osdev(topo, o))) {
        if (o->attr->osdev.type != HWLOC_OBJ_OSDEV_NETWORK &&
            o->attr->osdev.type != HWLOC_OBJ_OSDEV_OPENFABRICS)
            continue;
        json_t *d = json_object();
        json_object_set_new(d, "name", json_string(o->name));
        json_object_set_new(d, "kind",
                            json_string(o->attr->osdev.type == HWLOC_OBJ_OSDEV_NETWORK
                                            ? "network"
                                            : "openfabrics"));
        /* The NIC's NUMA locality: which node's cores should drive it. */
        hwloc_obj_t anc = hwloc_get_non_io_ancestor_obj(topo, o);
        json_t *numa = json_null();
        if (anc && anc->nodeset && !hwloc_bitmap_iszero(anc->nodeset) &&
            hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE) > 1)
            numa = json_integer(hwloc_bitmap_first(anc->nodeset));
        else if (anc && hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE) == 1)
            numa = json_integer(0);
        json_object_set_new(d, "numa_node", numa);
        const char *addr = hwloc_obj_get_info_by_name(o, "Address");
        if (addr) json_object_set_new(d, "address", json_string(addr));
        json_array_append_new(devs, d);
    }
    json_object_set_new(t, "network_devices", devs);
    return t;
}

static json_t *cpu_model(hwloc_topology_t topo)
{
    hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
    const char *m = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
    if (!m) m = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "CPUModel");
    return m ? json_string(m) : json_null();
}

static char *read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char *r = fgets(buf, (int)len, f);
    fclose(f);
    if (!r) return NULL;
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

/* EC2 puts the instance type in DMI product_name ("p5.48xlarge") with
 * sys_vendor "Amazon EC2"; other clouds put a platform name there, kept
 * under "dmi" but not claimed as an instance type. */
static void instance_type(json_t *meta)
{
    char vendor[256], product[256];
    bool hv = read_line("/sys/devices/virtual/dmi/id/sys_vendor", vendor, sizeof vendor);
    bool hp = read_line("/sys/devices/virtual/dmi/id/product_name", product, sizeof product);
    json_t *it = json_null();
    if (hv && hp && strstr(vendor, "Amazon EC2")) it = json_string(product);
    json_object_set_new(meta, "instance_type", it);
    json_t *dmi = json_object();
    if (hv) json_object_set_new(dmi, "sys_vendor", json_string(vendor));
    if (hp) json_object_set_new(dmi, "product_name", json_string(product));
    json_object_set_new(meta, "dmi", dmi);
}

extern char **environ;

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Which environment variables change behaviour: ours by name, libfabric's
 * and Open MPI's by prefix (FI_PROVIDER, FI_EFA_USE_DEVICE_RDMA,
 * OMPI_MCA_btl, ... select paths and protocols).  mpirun also passes its
 * own plumbing as OMPI_MCA_* (job ids, daemon URIs, session directories,
 * a transport key); that is the same for every run and is left out. */
static bool is_knob(const char *entry)
{
    static const char *const ours[] = {"FS_COLL_CHUNK=", "FS_YIELD=", "FS_FAULT="};
    static const char *const plumbing[] = {
        "OMPI_MCA_orte_",
        "OMPI_MCA_ess",
        "OMPI_MCA_pmix",
        "OMPI_MCA_initial_wdir=",
        "OMPI_MCA_shmem_RUNTIME_QUERY_hint=",
    };
    for (size_t i = 0; i < sizeof ours / sizeof *ours; i++)
        if (starts(entry, ours[i])) return true;
    if (starts(entry, "FI_")) return true;
    if (!starts(entry, "OMPI_MCA_")) return false;
    for (size_t i = 0; i < sizeof plumbing / sizeof *plumbing; i++)
        if (starts(entry, plumbing[i])) return false;
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void fs_metadata_add_env_knobs(json_t *settings)
{
    size_t n = 0;
    for (char **e = environ; e && *e; e++) n += is_knob(*e);
    const char **set = calloc(n ? n : 1, sizeof *set);
    if (!set) return;
    size_t k = 0;
    for (char **e = environ; e && *e && k < n; e++)
        if (is_knob(*e)) set[k++] = *e;
    qsort(set, k, sizeof *set, by_name); /* stable order in the file */
    for (size_t i = 0; i < k; i++) {
        const char *eq = strchr(set[i], '=');
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - set[i]), set[i]);
        json_object_set_new(settings, name, json_string(eq + 1));
    }
    free(set);
}

static json_t *command_line(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 3;
    char *s = calloc(1, len), *p = s;
    for (int i = 0; i < argc && s; i++) {
        bool quote = strpbrk(argv[i], " ;\t\"'$") != NULL;
        p += sprintf(p, i ? (quote ? " '%s'" : " %s") : "%s", argv[i]);
    }
    json_t *j = json_string(s ? s : "");
    free(s);
    return j;
}

char *fs_metadata_topology_text(json_t *topology, size_t max)
{
    char *s = json_dumps(topology, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (s && strlen(s) < max) return s;
    free(s);
    /* Too large (hundreds of network devices): keep the counts and the
     * devices that fit, and say how many there were. */
    json_t *t = json_deep_copy(topology), *devs = json_object_get(t, "network_devices");
    size_t total = json_array_size(devs);
    json_object_set_new(t, "network_devices_total", json_integer((json_int_t)total));
    json_object_set_new(t, "truncated", json_true());
    size_t lo = 0, hi = total; /* the most devices that fit: bisect */
    json_t *all = json_deep_copy(devs);
    char *best = NULL;
    while (lo <= hi) {
        size_t mid = lo + (hi - lo) / 2;
        json_array_clear(devs);
        for (size_t i = 0; i < mid; i++) json_array_append(devs, json_array_get(all, i));
        s = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (s && strlen(s) < max) {
            free(best);
            best = s;
            lo = mid + 1;
        } else {
            free(s);
            if (mid == 0) break;
            hi = mid - 1;
        }
    }
    json_decref(all);
    json_decref(t);
    return best;
}

json_t *fs_metadata_assemble(const fs_hostmap *hosts, const char *records, size_t len, int argc,
                             char **argv)
{
    json_t *meta = json_object();
    char now[64];
    fs_utc_now(now, sizeof now);
    json_object_set_new(meta, "version", json_string(FS_VERSION));
    json_object_set_new(meta, "command", command_line(argc, argv));
    json_object_set_new(meta, "start_time", json_string(now));
    json_object_set_new(meta, "ranks", json_integer(hosts->nranks));
    json_t *hl = json_array(), *rh = json_array(), *rb = json_array(), *tp = json_object();
    json_t *rbb = json_array();
    const char *p = records, *end = records + len;
    for (int r = 0; r < hosts->nranks; r++) {
        /* "BINDING\0BOUND_BY\0TOPOLOGY\0"; a short buffer reads as empty. */
        const char *f[3] = {"", "", ""};
        for (int k = 0; k < 3 && p < end; k++) {
            f[k] = p;
            p += strnlen(p, (size_t)(end - p)) + 1;
        }
        json_array_append_new(rh, json_string(hosts->name[r]));
        json_array_append_new(rb, json_string(*f[0] ? f[0] : "unknown"));
        json_array_append_new(rbb, json_string(*f[1] ? f[1] : "none"));
        if (hosts->leader[hosts->host[r]] != r) continue;
        /* Every host is listed; its topology, or why there is none. */
        json_array_append_new(hl, json_string(hosts->name[r]));
        json_error_t jerr;
        json_t *t = *f[2] ? json_loads(f[2], 0, &jerr) : NULL;
        if (!t)
            t = json_pack("{s:s}", "error",
                          *f[2] ? "the host's topology did not parse"
                                : "hwloc could not load the host's topology");
        json_object_set_new(tp, hosts->name[r], t);
    }
    json_object_set_new(meta, "hosts", hl);
    json_object_set_new(meta, "rank_host", rh);
    json_object_set_new(meta, "rank_binding", rb);
    json_object_set_new(meta, "rank_bound_by", rbb);
    json_t *t0 = json_object_get(tp, hosts->name[0]);
    json_t *cpu = t0 ? json_object_get(t0, "cpu_model") : NULL;
    json_object_set(meta, "cpu_model", cpu ? cpu : json_null());
    json_object_set_new(meta, "topology", tp);
    return meta;
}

/* A leader's record part: its host's topology (counts, network devices,
 * CPU model), FS_META_TOPOLOGY_MAX at most; "" when not a leader or
 * hwloc failed. */
static char *host_topology(hwloc_topology_t topo, const fs_hostmap *hosts, bool *cut)
{
    *cut = false;
    if (hosts->local_rank != 0 || !topo) return NULL;
    json_t *t = topology_json(topo);
    json_object_set_new(t, "cpu_model", cpu_model(topo));
    char *s = fs_metadata_topology_text(t, FS_META_TOPOLOGY_MAX);
    json_decref(t);
    json_t *back = s ? json_loads(s, 0, NULL) : NULL;
    *cut = json_is_true(json_object_get(back, "truncated"));
    json_decref(back);
    return s;
}

json_t *fs_metadata_collect(fs_rte *rte, const fs_hostmap *hosts, int argc, char **argv)
{
    hwloc_topology_t topo = topology(hosts);
    char binding[256] = "unknown"; /* "core %s (PU %s), NUMA %s" with 64-byte lists */
    if (topo) describe_binding(topo, binding, sizeof binding);
    /* Who placed each rank: what fs_bind_rank decided, or (--bind none)
     * whether the launcher narrowed the mask. */
    if (!bind_decided && topo) {
        char cpus[1024], allowed[1024];
        bool bind;
        masks(topo, cpus, allowed, sizeof cpus);
        bound_by = fs_bind_decide(false, false, cpus, allowed, &bind);
    }
    const char *by = fs_bound_by_name(bound_by);
    bool cut;
    char *ts = host_topology(topo, hosts, &cut);
    topology_release();

    /* One record a rank, "BINDING\0BOUND_BY\0TOPOLOGY\0", one gather. */
    size_t lb = strlen(binding) + 1, ly = strlen(by) + 1, lt = (ts ? strlen(ts) : 0) + 1;
    char *rec = malloc(lb + ly + lt);
    if (!rec) fs_rte_abort(rte, 1, "fabscale-bench: out of memory gathering metadata");
    memcpy(rec, binding, lb);
    memcpy(rec + lb, by, ly);
    memcpy(rec + lb + ly, ts ? ts : "", lt);
    if (cut)
        fprintf(stderr,
                "fabscale-bench: the topology of host %s exceeds %d bytes: its network device "
                "list is cut (meta.topology[\"%s\"].network_devices_total says how many)\n",
                hosts->name[rte->rank], FS_META_TOPOLOGY_MAX, hosts->name[rte->rank]);
    free(ts);
    char *records = NULL;
    size_t total = 0;
    int rc = gather_bytes(rte, rec, lb + ly + lt, 0, &records, &total);
    free(rec);

    json_t *meta = NULL;
    if (rte->rank == 0 && rc == 0) {
        meta = fs_metadata_assemble(hosts, records, total, argc, argv);
        instance_type(meta);
        const char *lib = rte->ops->library_version ? rte->ops->library_version(rte) : NULL;
        json_object_set_new(meta, "mpi_library", lib ? json_string(lib) : json_null());
        uint32_t v = fi_version();
        char fv[32];
        snprintf(fv, sizeof fv, "%u.%u", FI_MAJOR(v), FI_MINOR(v));
        json_object_set_new(meta, "libfabric_version", json_string(fv));
    }
    free(records);
    return meta;
}
