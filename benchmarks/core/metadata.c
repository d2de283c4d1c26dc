/* metadata.c - hosts, bindings (hwloc), topology, instance type, versions. */
#include "metadata.h"

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

int fs_hostmap_gather(MPI_Comm comm, fs_hostmap *m)
{
    char me[256] = {0};
    gethostname(me, sizeof me - 1);
    MPI_Comm_size(comm, &m->nranks);
    m->name = calloc((size_t)m->nranks, sizeof *m->name);
    if (!m->name) return -1;
    MPI_Allgather(me, 256, MPI_CHAR, m->name, 256, MPI_CHAR, comm);
    return 0;
}

void fs_hostmap_free(fs_hostmap *m)
{
    free(m->name);
    m->name = NULL;
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

int fs_bind_rank(MPI_Comm comm, char *errmsg, size_t len)
{
    MPI_Comm node;
    int local;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local);
    MPI_Comm_free(&node);

    hwloc_topology_t topo = load_topology(false);
    if (!topo) {
        snprintf(errmsg, len, "hwloc could not load the topology");
        return -1;
    }
    int rc = 0;
    hwloc_bitmap_t cur = hwloc_bitmap_alloc();
    if (hwloc_get_cpubind(topo, cur, HWLOC_CPUBIND_PROCESS) == 0) {
        /* Already inside one core (the launcher bound us): keep it. */
        hwloc_obj_t core =
            hwloc_get_next_obj_covering_cpuset_by_type(topo, cur, HWLOC_OBJ_CORE, NULL);
        bool one_core = core && hwloc_bitmap_isincluded(cur, core->cpuset);
        if (!one_core) {
            int ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
            hwloc_obj_t target = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, local % ncores);
            if (target && hwloc_set_cpubind(topo, target->cpuset, HWLOC_CPUBIND_PROCESS)) {
                snprintf(errmsg, len, "hwloc could not bind to core %d", local % ncores);
                rc = -1;
            }
        }
    }
    hwloc_bitmap_free(cur);
    hwloc_topology_destroy(topo);
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

json_t *fs_metadata_collect(MPI_Comm comm, int argc, char **argv)
{
    int rank, n;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &n);
    hwloc_topology_t topo = load_topology(true);

    char binding[256] = "unknown"; /* "core %s (PU %s), NUMA %s" with 64-byte lists */
    if (topo) describe_binding(topo, binding, sizeof binding);
    char *bindings = rank == 0 ? calloc((size_t)n, sizeof binding) : NULL;
    MPI_Gather(binding, sizeof binding, MPI_CHAR, bindings, sizeof binding, MPI_CHAR, 0, comm);

    /* One topology per host: the first rank on each host serialises its own. */
    fs_hostmap hosts;
    fs_hostmap_gather(comm, &hosts);
    bool first_on_host = true;
    for (int r = 0; r < rank; r++)
        if (strcmp(hosts.name[r], hosts.name[rank]) == 0) first_on_host = false;
    char topo_s[8192] = "";
    if (first_on_host && topo) {
        json_t *t = topology_json(topo);
        json_object_set_new(t, "cpu_model", cpu_model(topo));
        char *s = json_dumps(t, JSON_COMPACT);
        if (s && strlen(s) < sizeof topo_s) strcpy(topo_s, s);
        free(s);
        json_decref(t);
    }
    char *topos = rank == 0 ? calloc((size_t)n, sizeof topo_s) : NULL;
    MPI_Gather(topo_s, sizeof topo_s, MPI_CHAR, topos, sizeof topo_s, MPI_CHAR, 0, comm);

    json_t *meta = NULL;
    if (rank == 0) {
        meta = json_object();
        char now[64];
        fs_utc_now(now, sizeof now);
        json_object_set_new(meta, "version", json_string(FS_VERSION));
        json_object_set_new(meta, "command", command_line(argc, argv));
        json_object_set_new(meta, "start_time", json_string(now));
        json_object_set_new(meta, "ranks", json_integer(n));
        json_t *hl = json_array(), *rh = json_array(), *rb = json_array(), *tp = json_object();
        for (int r = 0; r < n; r++) {
            json_array_append_new(rh, json_string(hosts.name[r]));
            json_array_append_new(rb, json_string(bindings + (size_t)r * sizeof binding));
            const char *ts = topos + (size_t)r * sizeof topo_s;
            if (*ts) {
                json_array_append_new(hl, json_string(hosts.name[r]));
                json_t *t = json_loads(ts, 0, NULL);
                if (t) json_object_set_new(tp, hosts.name[r], t);
            }
        }
        json_object_set_new(meta, "hosts", hl);
        json_object_set_new(meta, "rank_host", rh);
        json_object_set_new(meta, "rank_binding", rb);
        instance_type(meta);
        json_t *t0 = json_object_get(tp, hosts.name[0]);
        json_object_set(meta, "cpu_model", t0 ? json_object_get(t0, "cpu_model") : json_null());
        char lib[MPI_MAX_LIBRARY_VERSION_STRING];
        int len;
        MPI_Get_library_version(lib, &len);
        lib[strcspn(lib, "\n")] = '\0';
        json_object_set_new(meta, "mpi_library", json_string(lib));
        uint32_t v = fi_version();
        char fv[32];
        snprintf(fv, sizeof fv, "%u.%u", FI_MAJOR(v), FI_MINOR(v));
        json_object_set_new(meta, "libfabric_version", json_string(fv));
        json_object_set_new(meta, "topology", tp);
    }
    free(bindings);
    free(topos);
    fs_hostmap_free(&hosts);
    if (topo) hwloc_topology_destroy(topo);
    return meta;
}
