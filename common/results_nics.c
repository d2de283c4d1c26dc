/* results_nics.c - what a --nics run's record says about its NICs. */
#include "results_doc.h"

#include <string.h>

const char *fs_run_nic_domain(const fs_run *run, const char *host, long long rail)
{
    const json_t *hosts = json_object_get(json_object_get(run->extra, "nics"), "hosts");
    size_t i, k;
    const json_t *h, *r;
    json_array_foreach(hosts, i, h)
    {
        const char *name = json_string_value(json_object_get(h, "host"));
        if (!name || strcmp(name, host) != 0) continue;
        json_array_foreach(json_object_get(h, "rails"), k, r)
        {
            if (json_integer_value(json_object_get(r, "rail")) == rail)
                return json_string_value(json_object_get(r, "domain"));
        }
    }
    return NULL;
}
