/* screen_rails.c - a slow NIC among its host's others (screen_rails.h). */
#include "screen_rails.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fs_rail_meas_read(const fs_run *run, fs_rail_meas **m, int *n)
{
    if (strcmp(run->benchmark, "bw") != 0 && strcmp(run->benchmark, "bibw") != 0) return 0;
    const fs_point *big = NULL;
    for (size_t j = 0; j < run->npoints; j++) {
        const fs_point *p = &run->points[j];
        if (json_object_get(p->extra, "nics") && (!big || p->bytes > big->bytes)) big = p;
    }
    if (!big) return 0;
    double noise = big->time_us.mean > 0 && isfinite(big->time_us.ci95)
                       ? big->time_us.ci95 / big->time_us.mean
                       : 0;
    const json_t *nics = json_object_get(big->extra, "nics");
    const json_t *hosts = json_object_get(nics, "hosts");
    size_t hi, ri;
    const json_t *h, *r;
    json_array_foreach(hosts, hi, h)
    {
        const char *host = json_string_value(json_object_get(h, "host"));
        if (!host) continue;
        /* Each NIC's inbound stream rate: null on a host that only sent
         * (its NICs carried acknowledgements), a number on a receiver. */
        json_array_foreach(json_object_get(h, "rails"), ri, r)
        {
            double bw = json_number_value(json_object_get(r, "rx_GBps"));
            if (!json_is_number(json_object_get(r, "rx_GBps")) || !(bw > 0) || !isfinite(bw))
                continue;
            fs_rail_meas *g = realloc(*m, (size_t)(*n + 1) * sizeof *g);
            if (!g) return -1;
            *m = g;
            fs_rail_meas *x = &g[(*n)++];
            memset(x, 0, sizeof *x);
            json_int_t k = json_integer_value(json_object_get(r, "rail"));
            const char *dom = fs_run_nic_domain(run, host, k);
            snprintf(x->host, sizeof x->host, "%s", host);
            if (dom)
                snprintf(x->nic, sizeof x->nic, "%s", dom);
            else
                snprintf(x->nic, sizeof x->nic, "rail%lld", (long long)k);
            x->run = run;
            x->bytes = big->bytes;
            x->bw_GBps = bw;
            x->noise = noise;
        }
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int fs_rail_screen(const fs_rail_meas *m, int n, double floor, fs_rail_suspect **out, int *nout)
{
    *out = NULL;
    *nout = 0;
    double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (!v) return -1;
    for (int i = 0; i < n; i++) {
        /* The same host's other NICs in the same run (same size, same time). */
        int k = 0;
        for (int j = 0; j < n; j++)
            if (j != i && m[j].run == m[i].run && !strcmp(m[j].host, m[i].host) &&
                strcmp(m[j].nic, m[i].nic) != 0)
                v[k++] = m[j].bw_GBps;
        if (k == 0) continue;
        qsort(v, (size_t)k, sizeof *v, cmp_double);
        double med = k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
        double tol = fmax(floor, m[i].noise);
        if (!(med > 0) || !(m[i].bw_GBps < med * (1 - tol))) continue;
        fs_rail_suspect *g = realloc(*out, (size_t)(*nout + 1) * sizeof *g);
        if (!g) {
            free(v);
            return -1;
        }
        *out = g;
        g[(*nout)++] = (fs_rail_suspect){i, med, m[i].bw_GBps / med, tol};
    }
    free(v);
    return 0;
}
