/* print_schema.c - print the JSON Schema the field table describes:
 * `print_results_schema > docs/results.schema.json` after changing
 * common/results_fields.c (test common_results says when it is due). */
#include <stdio.h>
#include <stdlib.h>

#include "results_doc.h"
#include "results_fields.h"

int main(void)
{
    json_t *s = fs_results_schema();
    char *text = json_dumps(s, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(s);
    if (!text) return 1;
    puts(text);
    free(text);
    return 0;
}
