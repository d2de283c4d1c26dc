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

/* The --link TYPE=SPEC for this type, or NULL. */
static const char *typed_link(const fs_train_opts *o, const char *type)
{
    for (size_t i = 0; i < o->ntype_links; i++) {
        const char *eq = strchr(o->type_links[i], '=');
        size_t n = (size_t)(eq - o->type_links[i]);
        if (strlen(type) == n && strncasecmp(o->type_links[i], type, n) == 0) return eq + 1;
    }
    return NULL;
}

/* A link given on the command line for candidate c: parsed, checked
 * against its NICs, labelled. */
static int given_link(fs_cand *c, const char *spec, fs_err *err)
{
    bool bits = false;
    int r = fs_train_link_spec(spec, &c->nic, &bits, err);
    if (r < 0) return FS_EXIT_INPUT;
    if (r == 0)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--link %s=%s: give ALPHA,BW for a type (e.g. 20us,100Gbps)",
                          c->inst->name, spec);
    int rc = fs_train_link_check(spec, &c->nic, bits, c->inst, c->warn, sizeof c->warn, err);
    if (rc) return rc;
    snprintf(c->link_label, sizeof c->link_label, "given (alpha %.3g us, %.4g GB/s)",
             c->nic.seg[0].alpha_us, c->nic.seg[0].bandwidth_GBps);
    return 0;
}

int fs_cands_build(const char *cmd, const fs_train_opts *o, const fs_catalog *cat, fs_cand **out,
                   size_t *n, fs_err *err)
{
    *out = NULL;
    *n = 0;
    fs_link given;
    bool bits;
    int spec = o->link ? fs_train_link_spec(o->link, &given, &bits, err) : 0;
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
            const char *tl = typed_link(o, inst->name);
            if (tl || spec) {
                rc = given_link(c, tl ? tl : o->link, err);
                if (rc == 0 && !c->warn[0])
                    snprintf(c->warn, sizeof c->warn, "--link %s replaces the link measured in %s",
                             tl ? tl : o->link, o->files[f]);
            } else {
                rc = fs_train_link_from_results(&r, 1, o->link, &c->net, c->link_label,
                                                sizeof c->link_label, c->warn, sizeof c->warn, err);
                c->nic = c->net.inter;
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
        const char *tl = typed_link(o, inst->name);
        if (!tl && !spec && !isfinite(o->nominal_alpha_us)) {
            rc = fs_err_set(err, FS_EXIT_INPUT,
                            "%s: --instance %s has no measured link: give --link %s=ALPHA,BW, or "
                            "--nominal ALPHA_US for the catalogue's NIC line rate",
                            cmd, inst->name, inst->name);
            break;
        }
        if ((rc = add(out, n, err))) break;
        fs_cand *c = &(*out)[*n - 1];
        c->inst = inst;
        snprintf(c->from, sizeof c->from, "catalogue");
        if (tl || spec) {
            rc = given_link(c, tl ? tl : o->link, err);
        } else {
            c->nic = fs_link_hockney(o->nominal_alpha_us, inst->nic_Gbps / 8.0);
            snprintf(c->link_label, sizeof c->link_label,
                     "nominal %s line rate %.4g Gb/s, alpha %.3g us",
                     inst->nic[0] ? inst->nic : "NIC", inst->nic_Gbps, o->nominal_alpha_us);
        }
    }
    /* one bare link on NICs of different line rates: the silent 20% */
    const fs_cand *first = NULL;
    for (size_t i = 0; rc == 0 && spec && i < *n; i++) {
        const fs_cand *c = &(*out)[i];
        if (typed_link(o, c->inst->name)) continue;
        if (!first) {
            first = c;
        } else if (c->inst->nic_Gbps != first->inst->nic_Gbps) {
            rc = fs_err_set(err, FS_EXIT_INPUT,
                            "--link %s would put one link on NICs of %.4g Gb/s (%s) and %.4g Gb/s "
                            "(%s): give --link TYPE=ALPHA,BW for each type, or --nominal ALPHA_US",
                            o->link, first->inst->nic_Gbps, first->inst->name, c->inst->nic_Gbps,
                            c->inst->name);
        }
    }
    for (size_t i = 0; rc == 0 && i < o->ntype_links; i++) {
        bool used = false;
        for (size_t k = 0; k < *n; k++)
            used |= typed_link(o, (*out)[k].inst->name) == strchr(o->type_links[i], '=') + 1;
        if (!used)
            rc = fs_err_set(err, FS_EXIT_INPUT,
                            "--link %s: no such type among the candidates (give it with "
                            "--instance TYPE or a RESULTS file)",
                            o->type_links[i]);
    }
    if (rc == 0 && *n == 0)
        rc = fs_err_set(err, FS_EXIT_INPUT,
                        "%s: nothing to compare: give RESULTS files (one per instance type) and/or "
                        "--instance TYPE with --link TYPE=ALPHA,BW or --nominal ALPHA_US",
                        cmd);
    for (size_t i = 0; rc == 0 && i < *n; i++)
        if ((*out)[i].net.inter.nseg == 0) (*out)[i].net.inter = (*out)[i].nic;
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int fs_cands_check_purchase(const fs_cand *c, size_t n, const fs_catalog *cat, const char *cmd,
                            fs_err *err)
{
    const fs_price *first = NULL;
    for (size_t i = 0; i < n; i++) {
        const fs_price *p = fs_catalog_price(cat, c[i].inst->name);
        if (!p) continue;
        if (!first) {
            first = p;
        } else if (p->option != first->option) {
            return fs_err_set(err, FS_EXIT_INPUT,
                              "%s: prices mix purchase options (%s %s, %s %s): give prices of one "
                              "option (--price TYPE=USD@OPTION) or --mix-purchase-options",
                              cmd, first->instance, fs_purchase_name(first->option), p->instance,
                              fs_purchase_name(p->option));
        }
    }
    return 0;
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
            fprintf(out, "  %s: %.4g %s (%s; %s)\n", p->instance, p->usd_per_hour,
                    fs_purchase_name(p->option), p->as_of, p->source);
    }
}
