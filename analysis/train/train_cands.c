/* train_cands.c - candidate instance types for compare and plan (see train_cands.h). */
#include "train_cands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const fs_instance *lookup(const fs_catalog *cat, const char *type, const char *why,
                                 fs_err *err)
{
    const fs_instance *i = fs_catalog_instance(cat, type);
    if (!i) {
        char known[1024];
        fs_err_set(err, FS_EXIT_INPUT,
                   "%s: unknown instance type \"%s\" (known: %s; add one with --catalog FILE)", why,
                   type, fs_catalog_instance_names(cat, known, sizeof known));
    }
    return i;
}

static int add(fs_cand **out, size_t *n, fs_err *err)
{
    fs_cand *nc = realloc(*out, (*n + 1) * sizeof *nc);
    if (!nc) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    *out = nc;
    memset(&nc[*n], 0, sizeof nc[*n]);
    (*n)++;
    return 0;
}

int fs_cands_build(const char *cmd, const fs_train_opts *o, const fs_catalog *cat, fs_cand **out,
                   size_t *n, fs_err *err)
{
    *out = NULL;
    *n = 0;
    fs_link given;
    int spec = o->link ? fs_train_link_spec(o->link, &given, err) : 0;
    if (spec < 0) return FS_EXIT_INPUT;
    int rc = 0;
    for (int f = 0; rc == 0 && f < o->nfiles; f++) {
        fs_results r;
        if ((rc = fs_results_load(o->files[f], &r, err))) break;
        const char *type = fs_train_instance_of(o, o->files[f], &r);
        if (!type)
            rc = fs_err_set(
                err, FS_EXIT_INPUT,
                "%s: no instance type (meta.instance_type is absent): give --instance %s=TYPE",
                o->files[f], o->files[f]);
        const fs_instance *inst = rc ? NULL : lookup(cat, type, o->files[f], err);
        if (!rc && !inst) rc = FS_EXIT_INPUT;
        if (!rc && !(rc = add(out, n, err))) {
            fs_cand *c = &(*out)[*n - 1];
            c->inst = inst;
            snprintf(c->from, sizeof c->from, "%s", o->files[f]);
            if (spec) {
                c->nic = given;
                snprintf(c->link_label, sizeof c->link_label, "given (alpha %.3g us, %.4g GB/s)",
                         given.seg[0].alpha_us, given.seg[0].bandwidth_GBps);
            } else {
                rc = fs_train_link_from_results(&r, 1, o->link, &c->nic, c->link_label,
                                                sizeof c->link_label, err);
            }
        }
        fs_results_free(&r);
    }
    for (size_t i = 0; rc == 0 && i < o->ninstances; i++) {
        const fs_instance *inst = lookup(cat, o->instances[i], "--instance", err);
        if (!inst) {
            rc = FS_EXIT_INPUT;
            break;
        }
        if (!spec && !isfinite(o->nominal_alpha_us)) {
            rc = fs_err_set(err, FS_EXIT_INPUT,
                            "%s: --instance %s has no measured link: give --link ALPHA_US,GBPS, or "
                            "--nominal ALPHA_US "
                            "for the catalogue's NIC line rate",
                            cmd, inst->name);
            break;
        }
        if ((rc = add(out, n, err))) break;
        fs_cand *c = &(*out)[*n - 1];
        c->inst = inst;
        snprintf(c->from, sizeof c->from, "catalogue");
        if (spec) {
            c->nic = given;
            snprintf(c->link_label, sizeof c->link_label, "given (alpha %.3g us, %.4g GB/s)",
                     given.seg[0].alpha_us, given.seg[0].bandwidth_GBps);
        } else {
            c->nic = fs_link_hockney(o->nominal_alpha_us, inst->nic_Gbps / 8.0);
            snprintf(c->link_label, sizeof c->link_label,
                     "nominal %s line rate %.4g Gb/s, alpha %.3g us",
                     inst->nic[0] ? inst->nic : "NIC", inst->nic_Gbps, o->nominal_alpha_us);
        }
    }
    if (rc == 0 && *n == 0)
        rc = fs_err_set(err, FS_EXIT_INPUT,
                        "%s: nothing to compare: give RESULTS files (one per instance type) and/or "
                        "--instance TYPE "
                        "with --link or --nominal",
                        cmd);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

const char *fs_cands_missing_prices(const fs_cand *c, size_t n, const fs_catalog *cat, char *buf,
                                    size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (fs_catalog_price(cat, c[i].inst->name) || strstr(buf, c[i].inst->name)) continue;
        size_t l = strlen(buf);
        snprintf(buf + l, len - l, "%s%s", l ? ", " : "", c[i].inst->name);
    }
    return buf;
}

void fs_cands_print_prices(FILE *out, const fs_cand *c, size_t n, const fs_catalog *cat)
{
    fprintf(out, "\nprices (USD per instance-hour):\n");
    for (size_t i = 0; i < n; i++) {
        const fs_price *p = fs_catalog_price(cat, c[i].inst->name);
        if (p)
            fprintf(out, "  %s: %.4g (%s; %s)\n", p->instance, p->usd_per_hour, p->as_of,
                    p->source);
    }
}
