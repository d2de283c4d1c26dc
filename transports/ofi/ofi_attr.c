/*
 * ofi_attr.c - what was negotiated, recorded with every run: libfabric
 * versions (runtime and headers), provider, fabric, domain, the attributes
 * that shape the numbers (mr_mode, inject size, message and queue limits,
 * progress, CQ data), what the transport did about them (chunking,
 * emulation, -FI_EAGAIN retries, deferred posts, operations in flight) and, where the headers
 * define them, whether EFA emulates RDMA read/write in software.
 */
#include "ofi_priv.h"

#include <stdio.h>
#include <string.h>

#if FI_VERSION_GE(OFI_API_VERSION, FI_VERSION(1, 18))
#include <rdma/fi_ext.h>
#define OFI_HAVE_EFA_EMULATED_OPTS 1
#endif

void ofi_query_efa_opts(ofi_state *st)
{
#ifdef OFI_HAVE_EFA_EMULATED_OPTS
    if (!st->efa) return;
    bool v = false;
    size_t len = sizeof v;
    if (fi_getopt(&st->ep->fid, FI_OPT_ENDPOINT, FI_OPT_EFA_EMULATED_READ, &v, &len) == 0)
        st->emulated_read = v;
    len = sizeof v;
    if (fi_getopt(&st->ep->fid, FI_OPT_ENDPOINT, FI_OPT_EFA_EMULATED_WRITE, &v, &len) == 0)
        st->emulated_write = v;
#else
    (void)st;
#endif
}

static const char *progress_name(enum fi_progress p)
{
    switch (p) {
    case FI_PROGRESS_AUTO:
        return "auto";
    case FI_PROGRESS_MANUAL:
        return "manual";
    default:
        return "unspecified";
    }
}

static const char *threading_name(enum fi_threading t)
{
    /* fi_tostr prints the enum's name with whichever values the runtime knows. */
    const char *s = fi_tostr(&t, FI_TYPE_THREADING);
    return s ? s : "?";
}

static json_t *size_or_null(size_t v)
{
    /* SIZE_MAX means "no limit" in libfabric's attributes. */
    return v == SIZE_MAX ? json_null() : json_integer((json_int_t)v);
}

static json_t *tristate(int v)
{
    return v < 0 ? json_null() : json_boolean(v);
}

/* The harness hands over the run's "attributes" object (it records
 * provider, fabric and domain itself from tp).  Counters are totals since
 * the transport was opened, so a call after a run's points shows what the
 * run (and those before it on this transport) did. */
/* One rail's own attributes and what went over it. */
static json_t *rail_json(const ofi_state *st)
{
    struct fi_info *fi = st->info;
    json_t *o = json_object();
    json_object_set_new(o, "domain", json_string(fi->domain_attr->name));
    json_object_set_new(o, "provider", json_string(fi->fabric_attr->prov_name));
    json_object_set_new(o, "fabric", json_string(fi->fabric_attr->name));
    json_object_set_new(o, "mr_mode", ofi_mr_mode_json(fi->domain_attr->mr_mode));
    json_object_set_new(o, "inject_size", json_integer((json_int_t)fi->tx_attr->inject_size));
    json_object_set_new(o, "max_msg_size", size_or_null(fi->ep_attr->max_msg_size));
    json_object_set_new(o, "tx_size", json_integer((json_int_t)fi->tx_attr->size));
    json_object_set_new(o, "rx_size", json_integer((json_int_t)fi->rx_attr->size));
    json_object_set_new(o, "chunk_bytes", size_or_null(st->chunk));
    json_object_set_new(o, "tx_bytes", json_integer((json_int_t)st->tx_bytes));
    json_object_set_new(o, "rx_bytes", json_integer((json_int_t)st->rx_bytes));
    json_object_set_new(o, "tx_in_flight_max", json_integer((json_int_t)st->tx_hwm));
    json_object_set_new(o, "rx_in_flight_max", json_integer((json_int_t)st->rx_hwm));
    return o;
}

void ofi_pci_id(const struct fi_info *fi, char *buf, size_t len)
{
    buf[0] = '\0';
    const struct fid_nic *nic = fi->nic;
    if (!nic || !nic->bus_attr || nic->bus_attr->bus_type != FI_BUS_PCI) return;
    const struct fi_pci_attr *p = &nic->bus_attr->attr.pci;
    snprintf(buf, len, "%04x:%02x:%02x.%x", p->domain_id, p->bus_id, p->device_id, p->function_id);
}

int ofi_rails_info(fs_transport *tp, fs_rail_info *out, int max)
{
    ofi_rails *R = tp->priv;
    if (!R) return 0;
    for (int k = 0; k < R->nrails && k < max; k++) {
        const ofi_state *st = &R->rail[k];
        const struct fi_info *fi = st->info;
        fs_rail_info *o = &out[k];
        snprintf(o->domain, sizeof o->domain, "%s", fi->domain_attr->name);
        snprintf(o->provider, sizeof o->provider, "%s", fi->fabric_attr->prov_name);
        snprintf(o->fabric, sizeof o->fabric, "%s", fi->fabric_attr->name);
        ofi_pci_id(fi, o->pci, sizeof o->pci);
        o->tx_bytes = st->tx_bytes;
        o->rx_bytes = st->rx_bytes;
        o->rx_paced_bytes = st->pace_rx.bytes;
        o->rx_paced_s = st->pace_rx.secs;
    }
    return R->nrails;
}

void ofi_describe(fs_transport *tp, json_t *a)
{
    ofi_rails *R = tp->priv;
    if (!R || !a) return;
    /* The run's attributes are rail 0's; counters are summed over rails. */
    ofi_state *st = R->rail;
    struct fi_info *fi = st->info;
    uint64_t chunked = 0, injected = 0, eagain = 0, deferred = 0;
    size_t tx_hwm = 0, rx_hwm = 0;
    json_t *rails = json_array();
    for (int k = 0; k < R->nrails; k++) {
        const ofi_state *r = &R->rail[k];
        chunked += r->chunked;
        injected += r->injected;
        eagain += r->eagain;
        deferred += r->deferred;
        tx_hwm += r->tx_hwm;
        rx_hwm += r->rx_hwm;
        json_array_append_new(rails, rail_json(r));
    }
    char ver[32];

    uint32_t rt = fi_version();
    snprintf(ver, sizeof ver, "%u.%u", FI_MAJOR(rt), FI_MINOR(rt));
    json_object_set_new(a, "libfabric_runtime", json_string(ver));
    snprintf(ver, sizeof ver, "%d.%d", FI_MAJOR_VERSION, FI_MINOR_VERSION);
    json_object_set_new(a, "libfabric_headers", json_string(ver));
    snprintf(ver, sizeof ver, "%u.%u", FI_MAJOR(fi->fabric_attr->prov_version),
             FI_MINOR(fi->fabric_attr->prov_version));
    json_object_set_new(a, "provider_version", json_string(ver));
    json_object_set_new(a, "mr_mode", ofi_mr_mode_json(fi->domain_attr->mr_mode));
    json_object_set_new(a, "mr_key_size", json_integer((json_int_t)fi->domain_attr->mr_key_size));
    json_object_set_new(a, "rma_addressing",
                        st->rma ? json_string(st->virt_addr ? "virtual" : "offset") : json_null());
    json_object_set_new(a, "inject_size", json_integer((json_int_t)fi->tx_attr->inject_size));
    json_object_set_new(a, "max_msg_size", size_or_null(fi->ep_attr->max_msg_size));
    json_object_set_new(a, "tx_size", json_integer((json_int_t)fi->tx_attr->size));
    json_object_set_new(a, "rx_size", json_integer((json_int_t)fi->rx_attr->size));
    json_object_set_new(a, "cq_data_size", json_integer((json_int_t)fi->domain_attr->cq_data_size));
    json_t *prog = json_object();
    json_object_set_new(prog, "data", json_string(progress_name(fi->domain_attr->data_progress)));
    json_object_set_new(prog, "control",
                        json_string(progress_name(fi->domain_attr->control_progress)));
    json_object_set_new(a, "progress", prog);
    json_object_set_new(a, "threading", json_string(threading_name(fi->domain_attr->threading)));
    json_object_set_new(a, "tagged", json_boolean(st->tagged));
    json_object_set_new(a, "rma", json_boolean(st->rma));
    json_object_set_new(a, "emulate_efa", json_boolean(st->emulate));

    /* What the transport does with those attributes. */
    json_object_set_new(a, "descriptors_passed", json_boolean(st->pass_desc));
    json_object_set_new(a, "inject_used_up_to", json_integer((json_int_t)st->inject));
    json_object_set_new(a, "chunk_bytes", size_or_null(st->chunk));
    json_object_set_new(a, "chunked", json_boolean(st->max_bytes > st->chunk));
    json_object_set_new(a, "chunked_messages", json_integer((json_int_t)chunked));
    json_object_set_new(a, "injected_messages", json_integer((json_int_t)injected));
    json_object_set_new(a, "eagain_retries", json_integer((json_int_t)eagain));
    /* This rank's posting: requests that waited in the transport's queue,
     * and the most operations it had in the provider at once (a window
     * of W messages should reach W: all in flight, receives pre-posted). */
    json_object_set_new(a, "posts_deferred", json_integer((json_int_t)deferred));
    json_object_set_new(a, "tx_in_flight_max", json_integer((json_int_t)tx_hwm));
    json_object_set_new(a, "rx_in_flight_max", json_integer((json_int_t)rx_hwm));
    json_object_set_new(a, "emulated_tx_queue",
                        st->emulate ? json_integer(OFI_EMU_TX_QUEUE) : json_null());
    json_object_set_new(a, "efa_emulated_read", tristate(st->emulated_read));
    json_object_set_new(a, "efa_emulated_write", tristate(st->emulated_write));
    /* --nics: each NIC's endpoint (one entry without it). */
    json_object_set_new(a, "rails", rails);
}
