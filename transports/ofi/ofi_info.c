/*
 * ofi_info.c - choose the fi_info the endpoint is built from.
 *
 * The hints are what EFA needs (REFERENCE.md, "libfabric / AWS EFA"): an
 * RDM endpoint with tagged messages and RMA, FI_CONTEXT/FI_CONTEXT2, the
 * four mr_mode bits EFA may return, an FI_AV_TABLE.  Whatever comes back is
 * then obeyed by the other files.  When nothing matches, this file works
 * out why and says it in one line: the provider is absent (and which are
 * present), the fabric or domain named does not exist, the fabric has no
 * tagged messages (efa-direct), or which single hint the provider refuses.
 */
#include "ofi_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Hint groups that can be dropped one at a time to find the one a
 * provider refuses. */
enum {
    RELAX_MODE = 1u << 0,
    RELAX_MR_MODE = 1u << 1,
    RELAX_AV = 1u << 2,
    RELAX_ORDER = 1u << 3,
    RELAX_CQ_DATA = 1u << 4,
    RELAX_THREAD = 1u << 5,
};

static const struct {
    unsigned bit;
    const char *what;
} relax_names[] = {
    {RELAX_MODE, "mode FI_CONTEXT|FI_CONTEXT2 (it requires other mode bits)"},
    {RELAX_MR_MODE, "mr_mode FI_MR_LOCAL|FI_MR_VIRT_ADDR|FI_MR_ALLOCATED|FI_MR_PROV_KEY"},
    {RELAX_AV, "av_type FI_AV_TABLE"},
    {RELAX_ORDER, "msg_order FI_ORDER_SAS (in-order matching of tagged messages)"},
    {RELAX_CQ_DATA, "cq_data_size >= 4 (remote CQ data for RMA write notification)"},
    {RELAX_THREAD, "threading FI_THREAD_DOMAIN"},
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static struct fi_info *make_hints(const char *prov, uint64_t caps, unsigned relax)
{
    struct fi_info *h = fi_allocinfo();
    if (!h) return NULL;
    h->ep_attr->type = FI_EP_RDM;
    h->caps = caps;
    /* Relaxing mode or mr_mode means accepting every bit: a provider that
     * then matches needs one we do not offer. */
    if (relax & RELAX_MODE) {
        h->mode = ~0ULL;
    } else {
        h->mode = FI_CONTEXT2;
#ifdef FI_CONTEXT
        h->mode |= FI_CONTEXT; /* deprecated in 2.x; still accepted */
#endif
    }
    h->domain_attr->mr_mode =
        (relax & RELAX_MR_MODE) ? ofi_all_mr_bits()
                                : FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY;
    if (!(relax & RELAX_AV)) h->domain_attr->av_type = FI_AV_TABLE;
    if (!(relax & RELAX_THREAD)) h->domain_attr->threading = FI_THREAD_DOMAIN;
#ifdef FI_ORDER_SAS
    if ((caps & FI_TAGGED) && !(relax & RELAX_ORDER)) {
        /* A chunked message and the messages of a window share a tag:
         * they must match in the order they were sent. */
        h->tx_attr->msg_order = FI_ORDER_SAS;
        h->rx_attr->msg_order = FI_ORDER_SAS;
    }
#endif
    if ((caps & FI_RMA) && !(relax & RELAX_CQ_DATA)) h->domain_attr->cq_data_size = 4;
    h->fabric_attr->prov_name = dup_or_null(prov);
    return h;
}

static bool name_ok(const char *want, const char *have)
{
    return !want || (have && strcmp(want, have) == 0);
}

/* query: --nics named something the provider does not have (why says). */
#define QUERY_BAD_NICS 1

static void free_rails(struct fi_info **out, int n)
{
    for (int k = 0; k < n; k++) fi_freeinfo(out[k]);
}

/* fi_getinfo with our hints, then the entries that become rails, copied
 * into out[] (*n of them): without --nics the first whose fabric and
 * domain names match exactly (names are filtered here, not in the hints:
 * layered providers do not all filter on them), with it one per NIC
 * (ofi_rails_pick).  0, -FI_ENODATA when nothing matches, QUERY_BAD_NICS,
 * or fi_getinfo's error. */
static int query(const fs_transport_opts *o, uint64_t caps, unsigned relax, struct fi_info **out,
                 int *n, char *why, size_t whylen)
{
    *n = 0;
    struct fi_info *h = make_hints(o->provider, caps, relax), *list = NULL;
    if (!h) return -FI_ENOMEM;
    int rc = fi_getinfo(OFI_API_VERSION, NULL, NULL, 0, h, &list);
    fi_freeinfo(h);
    if (rc) return rc;
    const struct fi_info *pick[OFI_MAX_RAILS];
    int np = 0;
    if (o->nics) {
        np = ofi_rails_pick(list, o->fabric, o->nics, pick, OFI_MAX_RAILS, why, whylen);
    } else {
        for (struct fi_info *i = list; i && !np; i = i->next)
            if (name_ok(o->fabric, i->fabric_attr->name) &&
                name_ok(o->domain, i->domain_attr->name))
                pick[np++] = i;
    }
    if (np < 0) {
        fi_freeinfo(list);
        return QUERY_BAD_NICS;
    }
    for (int k = 0; k < np; k++) {
        /* fi_dupinfo copies one entry only when its next is NULL. */
        struct fi_info *i = (struct fi_info *)pick[k], *next = i->next;
        i->next = NULL;
        out[k] = fi_dupinfo(i);
        i->next = next;
        if (!out[k]) {
            free_rails(out, k);
            fi_freeinfo(list);
            return -FI_ENOMEM;
        }
    }
    fi_freeinfo(list);
    *n = np;
    return np ? 0 : -FI_ENODATA;
}

/* Append "a, b, c" of the distinct values get() returns over `list`. */
static void list_names(struct fi_info *list, const char *(*get)(const struct fi_info *), char *buf,
                       size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (struct fi_info *i = list; i; i = i->next) {
        const char *n = get(i);
        if (!n) continue;
        bool seen = false;
        for (struct fi_info *j = list; j != i; j = j->next)
            if (get(j) && strcmp(get(j), n) == 0) seen = true;
        if (seen) continue;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", n);
        if (w < 0 || (size_t)w >= len - used) break;
        used += (size_t)w;
    }
}

static const char *get_prov(const struct fi_info *i)
{
    return i->fabric_attr->prov_name;
}
static const char *get_fabric(const struct fi_info *i)
{
    return i->fabric_attr->name;
}
static const char *get_domain(const struct fi_info *i)
{
    return i->domain_attr->name;
}

/* All RDM entries of `prov` (NULL: every provider). */
static struct fi_info *bare_rdm(const char *prov, int *rc)
{
    struct fi_info *h = fi_allocinfo(), *list = NULL;
    if (!h) {
        *rc = -FI_ENOMEM;
        return NULL;
    }
    h->ep_attr->type = FI_EP_RDM;
    h->mode = ~0ULL;
    h->domain_attr->mr_mode = ofi_all_mr_bits();
    h->fabric_attr->prov_name = dup_or_null(prov);
    *rc = fi_getinfo(OFI_API_VERSION, NULL, NULL, 0, h, &list);
    fi_freeinfo(h);
    return *rc ? NULL : list;
}

static const char *prov_label(const fs_transport_opts *o)
{
    return o->provider ? o->provider : "(any)";
}

/* Nothing satisfied the hints: say why in one line. */
static int diagnose(fs_transport *tp, const fs_transport_opts *o, uint64_t caps)
{
    char names[256];
    int rc;
    struct fi_info *mine = bare_rdm(o->provider, &rc);
    if (!mine) {
        int missing_rc = rc;
        struct fi_info *all = bare_rdm(NULL, &rc);
        list_names(all, get_prov, names, sizeof names);
        fi_freeinfo(all);
        return fs_transport_fail(tp, FS_EINPUT,
                                 "provider \"%s\" not available on this host (fi_getinfo: %s); "
                                 "available RDM providers: %s",
                                 prov_label(o), fi_strerror(-missing_rc),
                                 names[0] ? names : "none");
    }
    bool fabric_found = false, domain_found = false;
    for (struct fi_info *i = mine; i; i = i->next) {
        if (!name_ok(o->fabric, i->fabric_attr->name)) continue;
        fabric_found = true;
        if (name_ok(o->domain, i->domain_attr->name)) domain_found = true;
    }
    if (!fabric_found) {
        list_names(mine, get_fabric, names, sizeof names);
        fi_freeinfo(mine);
        return fs_transport_fail(
            tp, FS_EINPUT, "provider \"%s\" has no fabric \"%s\" on this host; its fabrics: %s",
            prov_label(o), o->fabric, names);
    }
    if (!domain_found) {
        list_names(mine, get_domain, names, sizeof names);
        fi_freeinfo(mine);
        return fs_transport_fail(tp, FS_EINPUT,
                                 "provider \"%s\" has no domain \"%s\"%s%s; its domains: %s",
                                 prov_label(o), o->domain, o->fabric ? " in fabric " : "",
                                 o->fabric ? o->fabric : "", names);
    }
    fi_freeinfo(mine);
    struct fi_info *got[OFI_MAX_RAILS];
    int ngot;
    char why[8];
    for (size_t k = 0; k < sizeof relax_names / sizeof relax_names[0]; k++) {
        /* RMA is optional: diagnose what the tagged path needs. */
        if (query(o, caps & ~(uint64_t)FI_RMA, relax_names[k].bit, got, &ngot, why, sizeof why) ==
            0) {
            free_rails(got, ngot);
            return fs_transport_fail(tp, FS_EINPUT, "provider \"%s\" cannot satisfy the hint %s",
                                     prov_label(o), relax_names[k].what);
        }
    }
    return fs_transport_fail(tp, FS_EINPUT,
                             "provider \"%s\" offers no RDM endpoint with tagged messages "
                             "(FI_TAGGED|FI_MSG) under the hints this transport needs",
                             prov_label(o));
}

int ofi_select(fs_transport *tp, ofi_rails *R, const fs_transport_opts *o)
{
    const uint64_t tagged = FI_TAGGED | FI_MSG;
    struct fi_info *info[OFI_MAX_RAILS];
    int n = 0;
    bool have_rma = true, have_tagged = true;
    char why[512] = "";

    int rc = query(o, tagged | FI_RMA, 0, info, &n, why, sizeof why);
    if (rc == -FI_ENODATA) {
        /* RMA is optional for the two-sided benchmarks. */
        have_rma = false;
        rc = query(o, tagged, 0, info, &n, why, sizeof why);
    }
    if (rc == -FI_ENODATA) {
        /* efa-direct: messages and RMA but no tag matching. */
        rc = query(o, FI_MSG | FI_RMA, 0, info, &n, why, sizeof why);
        if (rc == 0 && !o->need_rma) {
            int r = fs_transport_fail(
                tp, FS_EINPUT,
                "fabric \"%s\" of provider \"%s\" offers no tagged messages (FI_TAGGED), which the "
                "two-sided benchmarks need; use --fabric efa (or another fabric) for them, "
                "\"%s\" only for the RMA benchmarks (write_lat, write_bw)",
                info[0]->fabric_attr->name, info[0]->fabric_attr->prov_name,
                info[0]->fabric_attr->name);
            free_rails(info, n);
            return r;
        }
        if (rc == 0) {
            have_rma = true;
            have_tagged = false;
        }
    }
    if (rc == QUERY_BAD_NICS) return fs_transport_fail(tp, FS_EINPUT, "%s", why);
    if (rc == -FI_ENODATA) return diagnose(tp, o, tagged | FI_RMA);
    if (rc)
        return fs_transport_fail(tp, FS_ERUNTIME, "fi_getinfo for provider \"%s\" failed: %s",
                                 prov_label(o), fi_strerror(-rc));
    if (o->need_rma && !have_rma) {
        int r = fs_transport_fail(tp, FS_EINPUT,
                                  "provider \"%s\" (fabric \"%s\") has no RMA write with remote CQ "
                                  "data (FI_RMA, cq_data_size >= 4); write_lat and write_bw "
                                  "cannot run on it",
                                  info[0]->fabric_attr->prov_name, info[0]->fabric_attr->name);
        free_rails(info, n);
        return r;
    }
    R->rail = calloc((size_t)n, sizeof *R->rail);
    if (!R->rail) {
        free_rails(info, n);
        return fs_transport_fail(tp, FS_ERUNTIME, "ofi: out of memory");
    }
    R->nrails = n;
    for (int k = 0; k < n; k++) {
        ofi_state *st = &R->rail[k];
        st->index = k;
        st->info = info[k];
        st->tagged = have_tagged;
        st->rma = have_rma && info[k]->domain_attr->cq_data_size >= 4;
    }
    return 0;
}

void ofi_mr_mode_str(uint64_t mr_mode, char *buf, size_t len)
{
    /* fi_tostr knows every bit of the library it runs with. */
    int m = (int)mr_mode;
    const char *s = fi_tostr(&m, FI_TYPE_MR_MODE);
    snprintf(buf, len, "%s", s ? s : "");
}

json_t *ofi_mr_mode_json(uint64_t mr_mode)
{
    char text[512];
    ofi_mr_mode_str(mr_mode, text, sizeof text);
    json_t *a = json_array();
    char *save = NULL;
    for (char *t = strtok_r(text, ", []|", &save); t; t = strtok_r(NULL, ", []|", &save))
        json_array_append_new(a, json_string(t));
    return a;
}

int ofi_all_mr_bits(void)
{
    /* Each guarded: the 2.x headers dropped names 1.x had. */
    int m = FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY;
#ifdef FI_MR_RAW
    m |= FI_MR_RAW;
#endif
#ifdef FI_MR_MMU_NOTIFY
    m |= FI_MR_MMU_NOTIFY;
#endif
#ifdef FI_MR_RMA_EVENT
    m |= FI_MR_RMA_EVENT;
#endif
#ifdef FI_MR_ENDPOINT
    m |= FI_MR_ENDPOINT;
#endif
#ifdef FI_MR_HMEM
    m |= FI_MR_HMEM;
#endif
#ifdef FI_MR_COLLECTIVE
    m |= FI_MR_COLLECTIVE;
#endif
    return m;
}

int fs_ofi_pick_rails(const fs_transport_opts *o, fs_rail_info *out, int max, char *why, size_t len)
{
    fs_transport tp;
    memset(&tp, 0, sizeof tp);
    ofi_rails R;
    memset(&R, 0, sizeof R);
    int rc = ofi_select(&tp, &R, o);
    if (rc) {
        snprintf(why, len, "%s", tp.errmsg);
        return rc;
    }
    int n = R.nrails;
    for (int k = 0; k < n; k++) {
        struct fi_info *fi = R.rail[k].info;
        if (k < max) {
            fs_rail_info *r = &out[k];
            memset(r, 0, sizeof *r);
            snprintf(r->domain, sizeof r->domain, "%s", fi->domain_attr->name);
            snprintf(r->provider, sizeof r->provider, "%s", fi->fabric_attr->prov_name);
            snprintf(r->fabric, sizeof r->fabric, "%s", fi->fabric_attr->name);
            ofi_pci_id(fi, r->pci, sizeof r->pci);
        }
        fi_freeinfo(fi);
    }
    free(R.rail);
    return n;
}
