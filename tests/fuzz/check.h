/*
 * check.h - invariants of the fuzz targets.  A broken one prints what broke
 * and aborts, which libFuzzer saves as a crash and the replay driver (and
 * so ctest) reports as a failure.
 */
#ifndef FS_FUZZ_CHECK_H
#define FS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FS_FUZZ_CHECK(cond, ...)                                                                   \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz invariant broken (%s:%d): %s: ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A refusal is one line that says why (house rule: one clear error line). */
#define FS_FUZZ_CHECK_ERR(err)                                                                     \
    FS_FUZZ_CHECK((err).msg[0] && !strchr((err).msg, '\n'), "error message \"%s\"", (err).msg)

#endif
