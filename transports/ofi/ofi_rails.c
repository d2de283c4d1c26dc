/*
 * ofi_rails.c - several NICs as one transport ("rails", --nics).
 *
 * Selection is a pure function over fi_getinfo's answer, so a unit test
 * can hand it a 4-NIC EFA node's list: each domain is one NIC (an EFA or
 * verbs device, a tcp interface), and each rail gets the first entry the
 * provider lists for it, with that entry's own attributes.
 *
 * Striping has to put a message and the receive that matches it on the
 * same rail without any exchange: two-sided matching is in order per
 * (peer, tag), so both sides count the messages per (peer, tag) and take
 * rail count % nrails.  A window of W messages with one tag is thereby
 * spread round robin, and the i-th send meets the i-th receive; within a
 * rail FI_ORDER_SAS keeps them in order.  Counting every tag would need a
 * table per peer; the collectives' tags (one message per step) instead go
 * where the tag hashes, the same rail on both sides.
 */
#include "ofi_priv.h"

#include <stdio.h>
#include <string.h>

static bool fabric_ok(const struct fi_info *i, const char *fabric)
{
    return !fabric || (i->fabric_attr->name && strcmp(fabric, i->fabric_attr->name) == 0);
}

static bool is_loopback(const char *domain)
{
    return strcmp(domain, "lo") == 0;
}

/* The first entry of `fabric` whose domain is `name`. */
static const struct fi_info *find_domain(const struct fi_info *list, const char *fabric,
                                         const char *name, size_t len)
{
    for (const struct fi_info *i = list; i; i = i->next)
        if (fabric_ok(i, fabric) && i->domain_attr->name && strlen(i->domain_attr->name) == len &&
            strncmp(i->domain_attr->name, name, len) == 0)
            return i;
    return NULL;
}

static bool taken(const struct fi_info **out, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (strcmp(out[k]->domain_attr->name, name) == 0) return true;
    return false;
}

/* "a, b, c": the distinct domains of `fabric`, for the error line. */
static void domain_names(const struct fi_info *list, const char *fabric, char *buf, size_t len)
{
    const struct fi_info *seen[OFI_MAX_RAILS * 4];
    int n = 0;
    size_t used = 0;
    buf[0] = '\0';
    for (const struct fi_info *i = list; i && n < (int)(sizeof seen / sizeof seen[0]);
         i = i->next) {
        if (!fabric_ok(i, fabric) || !i->domain_attr->name || taken(seen, n, i->domain_attr->name))
            continue;
        seen[n++] = i;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", i->domain_attr->name);
        if (w < 0 || (size_t)w >= len - used) break;
        used += (size_t)w;
    }
}

int ofi_rails_pick(const struct fi_info *list, const char *fabric, const char *spec,
                   const struct fi_info **out, int max, char *why, size_t len)
{
    const char *prov = list ? list->fabric_attr->prov_name : "?";
    int n = 0;
    if (!spec) {
        for (const struct fi_info *i = list; i; i = i->next)
            if (fabric_ok(i, fabric)) {
                out[0] = i;
                return 1;
            }
        return 0;
    }
    if (strcmp(spec, "all") == 0) {
        const struct fi_info *lo = NULL;
        for (const struct fi_info *i = list; i; i = i->next) {
            if (!fabric_ok(i, fabric) || !i->domain_attr->name) continue;
            const char *d = i->domain_attr->name;
            /* Loopback reaches no other host: a rail only when alone. */
            if (is_loopback(d)) {
                if (!lo) lo = i;
                continue;
            }
            if (taken(out, n, d)) continue;
            if (n == max) {
                snprintf(why, len, "--nics all: provider \"%s\" has more than %d domains", prov,
                         max);
                return FS_EINPUT;
            }
            out[n++] = i;
        }
        if (n == 0 && lo) out[n++] = lo;
        return n;
    }
    bool any = false;
    for (const struct fi_info *i = list; i; i = i->next) any |= fabric_ok(i, fabric);
    if (!any) return 0;
    for (const char *p = spec; *p;) {
        size_t l = strcspn(p, ",");
        const struct fi_info *i = l ? find_domain(list, fabric, p, l) : NULL;
        char names[512];
        if (!i) {
            domain_names(list, fabric, names, sizeof names);
            snprintf(why, len,
                     "--nics: provider \"%s\" has no domain \"%.*s\"%s%s; its domains: %s", prov,
                     (int)l, p, fabric ? " in fabric " : "", fabric ? fabric : "", names);
            return FS_EINPUT;
        }
        if (taken(out, n, i->domain_attr->name)) {
            snprintf(why, len, "--nics: domain \"%s\" named twice", i->domain_attr->name);
            return FS_EINPUT;
        }
        if (n == max) {
            snprintf(why, len, "--nics: more than %d domains named", max);
            return FS_EINPUT;
        }
        out[n++] = i;
        p += l;
        if (*p == ',') p++;
    }
    return n;
}
