/*
 * ofi_list.c - `fabscale-bench --list-providers`: what fi_getinfo offers for
 * FI_EP_RDM on this host, one line per provider/fabric/domain, with the
 * attributes that decide how the benchmarks run there.
 */
#include "ofi.h"
#include "ofi_priv.h"

#include <stdlib.h>
#include <string.h>

static bool seen_before(struct fi_info *list, struct fi_info *i)
{
    for (struct fi_info *j = list; j != i; j = j->next)
        if (strcmp(j->fabric_attr->prov_name, i->fabric_attr->prov_name) == 0 &&
            strcmp(j->fabric_attr->name, i->fabric_attr->name) == 0 &&
            strcmp(j->domain_attr->name, i->domain_attr->name) == 0)
            return true;
    return false;
}

static void mode_str(uint64_t mode, char *buf, size_t len)
{
    const char *s = fi_tostr(&mode, FI_TYPE_MODE);
    snprintf(buf, len, "%s", s && *s ? s : "-");
}

static const char *progress_str(enum fi_progress p)
{
    return p == FI_PROGRESS_MANUAL ? "manual" : p == FI_PROGRESS_AUTO ? "auto" : "unspec";
}

static void caps_str(uint64_t caps, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", (caps & FI_TAGGED) ? "tagged " : "", (caps & FI_MSG) ? "msg " : "",
             (caps & FI_RMA) ? "rma" : "");
    size_t n = strlen(buf);
    if (n && buf[n - 1] == ' ') buf[n - 1] = '\0';
}

static json_t *entry_json(const struct fi_info *i)
{
    json_t *o = json_object();
    json_object_set_new(o, "provider", json_string(i->fabric_attr->prov_name));
    json_object_set_new(o, "fabric", json_string(i->fabric_attr->name));
    json_object_set_new(o, "domain", json_string(i->domain_attr->name));
    json_object_set_new(o, "tagged", json_boolean(i->caps & FI_TAGGED));
    json_object_set_new(o, "msg", json_boolean(i->caps & FI_MSG));
    json_object_set_new(o, "rma", json_boolean(i->caps & FI_RMA));
    json_object_set_new(o, "mr_mode", ofi_mr_mode_json(i->domain_attr->mr_mode));
    char mode[256];
    mode_str(i->mode, mode, sizeof mode);
    json_object_set_new(o, "mode", json_string(mode));
    json_object_set_new(o, "inject_size", json_integer((json_int_t)i->tx_attr->inject_size));
    json_object_set_new(o, "max_msg_size",
                        i->ep_attr->max_msg_size == SIZE_MAX
                            ? json_null()
                            : json_integer((json_int_t)i->ep_attr->max_msg_size));
    json_object_set_new(o, "tx_size", json_integer((json_int_t)i->tx_attr->size));
    json_object_set_new(o, "rx_size", json_integer((json_int_t)i->rx_attr->size));
    json_object_set_new(o, "cq_data_size", json_integer((json_int_t)i->domain_attr->cq_data_size));
    json_object_set_new(o, "data_progress",
                        json_string(progress_str(i->domain_attr->data_progress)));
    return o;
}

int fs_ofi_list_providers(FILE *out, bool json)
{
    struct fi_info *hints = fi_allocinfo(), *list = NULL;
    if (!hints) {
        fprintf(stderr, "fabscale-bench: out of memory\n");
        return FS_ERUNTIME;
    }
    hints->ep_attr->type = FI_EP_RDM;
    /* Accept every mode and mr_mode bit (as fi_info does), so each provider
     * shows what it requires rather than what our hints would filter. */
    hints->mode = ~0ULL;
    hints->domain_attr->mr_mode = ofi_all_mr_bits();
    int rc = fi_getinfo(OFI_API_VERSION, NULL, NULL, 0, hints, &list);
    fi_freeinfo(hints);
    if (rc && rc != -FI_ENODATA) {
        fprintf(stderr, "fabscale-bench: fi_getinfo failed: %s\n", fi_strerror(-rc));
        return FS_ERUNTIME;
    }
    uint32_t v = fi_version();
    if (json) {
        json_t *root = json_object(), *arr = json_array();
        char ver[32];
        snprintf(ver, sizeof ver, "%u.%u", FI_MAJOR(v), FI_MINOR(v));
        json_object_set_new(root, "libfabric_version", json_string(ver));
        for (struct fi_info *i = list; i; i = i->next)
            if (!seen_before(list, i)) json_array_append_new(arr, entry_json(i));
        json_object_set_new(root, "providers", arr);
        json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', out);
        json_decref(root);
    } else {
        fprintf(out, "# libfabric %u.%u, FI_EP_RDM endpoints on this host\n", FI_MAJOR(v),
                FI_MINOR(v));
        fprintf(out, "%-16s %-18s %-10s %-15s %7s %10s %6s %6s %4s %-7s %s\n", "provider", "fabric",
                "domain", "caps", "inject", "max_msg", "tx", "rx", "cqd", "progress", "mr_mode");
        for (struct fi_info *i = list; i; i = i->next) {
            if (seen_before(list, i)) continue;
            char caps[32], mr[256], maxmsg[24];
            caps_str(i->caps, caps, sizeof caps);
            ofi_mr_mode_str(i->domain_attr->mr_mode, mr, sizeof mr);
            if (i->ep_attr->max_msg_size == SIZE_MAX)
                snprintf(maxmsg, sizeof maxmsg, "unlimited");
            else
                snprintf(maxmsg, sizeof maxmsg, "%zu", i->ep_attr->max_msg_size);
            fprintf(out, "%-16s %-18s %-10s %-15s %7zu %10s %6zu %6zu %4zu %-7s %s\n",
                    i->fabric_attr->prov_name, i->fabric_attr->name, i->domain_attr->name, caps,
                    i->tx_attr->inject_size, maxmsg, i->tx_attr->size, i->rx_attr->size,
                    i->domain_attr->cq_data_size, progress_str(i->domain_attr->data_progress),
                    mr[0] ? mr : "-");
        }
        if (!list) fprintf(out, "(no RDM provider found)\n");
    }
    fi_freeinfo(list);
    return 0;
}
