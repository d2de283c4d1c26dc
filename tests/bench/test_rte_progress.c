/*
 * test_rte_progress.c - the MPI runtime drives registered progress hooks
 * while a rank waits in its collectives (mpirun -n 2).
 *
 * Models the hang of issue 17 without a network: rank 1 enters each
 * collective only after a token that rank 0 sends from inside its progress
 * hook, as a tcp;ofi_rxm peer can only finish its receive once the waiting
 * rank's endpoint is progressed.  Without hooks driven from the wait, every
 * collective below deadlocks (ctest's timeout ends it).  Also checks
 * registration: the limit, removal, and that no hook runs once removed.
 */
#include "rte_mpi.h"

#include <mpi.h>
#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

typedef struct token_hook {
    int calls;
    int sent; /* tokens sent to rank 1 */
    int owed; /* tokens rank 1 waits for */
} token_hook;

/* Rank 0's hook: what rank 1 needs before it can join. */
static void send_token(void *arg)
{
    token_hook *h = arg;
    h->calls++;
    if (h->sent < h->owed) {
        MPI_Send(&h->sent, 1, MPI_INT, 1, 7, MPI_COMM_WORLD);
        h->sent++;
    }
}

static void count(void *arg)
{
    (*(int *)arg)++;
}

int main(int argc, char **argv)
{
    fs_rte *rte = fs_rte_mpi_init(&argc, &argv);
    if (!rte || rte->size != 2) {
        fprintf(stderr, "test_rte_progress: needs mpirun -n 2\n");
        return 2;
    }
    int me = rte->rank;

    /* Registration: up to FS_RTE_MAX_PROGRESS hooks, removal by (fn, arg). */
    int n[FS_RTE_MAX_PROGRESS + 1] = {0};
    for (int i = 0; i < FS_RTE_MAX_PROGRESS; i++)
        CHECK(fs_rte_add_progress(rte, count, &n[i]) == 0, "hook %d refused", i);
    CHECK(fs_rte_add_progress(rte, count, &n[FS_RTE_MAX_PROGRESS]) == -1,
          "hook beyond the limit accepted");
    fs_rte_progress(rte);
    for (int i = 0; i < FS_RTE_MAX_PROGRESS; i++) CHECK(n[i] == 1, "hook %d ran %d times", i, n[i]);
    CHECK(n[FS_RTE_MAX_PROGRESS] == 0, "refused hook ran");
    for (int i = 0; i < FS_RTE_MAX_PROGRESS; i++) fs_rte_remove_progress(rte, count, &n[i]);
    CHECK(rte->nprogress == 0, "%d hooks left after removing all", rte->nprogress);

    /* Every collective must progress rank 0's hook while it waits. */
    enum { NCOLL = 6 };
    token_hook hook = {.owed = 0};
    if (me == 0) CHECK(fs_rte_add_progress(rte, send_token, &hook) == 0, "token hook refused");
    double x = me + 1, sum = 0;
    fs_rte_loc loc = {.value = me, .rank = me}, best;
    char all[2], b = (char)me;
    for (int c = 0; c < NCOLL; c++) {
        hook.owed = c + 1;
        if (me == 1) {
            int tok = -1;
            MPI_Recv(&tok, 1, MPI_INT, 0, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            CHECK(tok == c, "token %d, expected %d", tok, c);
        }
        int rc = 0;
        switch (c) {
        case 0:
            rc = fs_rte_barrier(rte);
            break;
        case 1:
            rc = fs_rte_bcast(rte, &b, 1, 1);
            break;
        case 2:
            rc = fs_rte_allgather(rte, &b, all, 1);
            break;
        case 3:
            rc = fs_rte_gather(rte, &b, all, 1, 0);
            break;
        case 4:
            rc = fs_rte_reduce(rte, &x, &sum, 1, FS_RTE_SUM, FS_RTE_ALL);
            break;
        default:
            rc = fs_rte_maxloc(rte, &loc, &best, 1, 0);
            break;
        }
        CHECK(rc == 0, "collective %d failed", c);
    }
    CHECK(sum == 3.0, "allreduce sum %g", sum);
    if (me == 0) {
        CHECK(best.rank == 1 && best.value == 1.0, "maxloc %g at %d", best.value, best.rank);
        CHECK(hook.sent == NCOLL, "%d tokens sent", hook.sent);
        CHECK(hook.calls >= NCOLL, "hook ran %d times", hook.calls);
        fs_rte_remove_progress(rte, send_token, &hook);
        int before = hook.calls;
        fs_rte_barrier(rte);
        CHECK(hook.calls == before, "removed hook ran");
    } else {
        fs_rte_barrier(rte);
    }
    CHECK(b == 1, "bcast from rank 1 gave %d", b);

    int worst = failures;
    MPI_Allreduce(&failures, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (me == 0) printf("test_rte_progress: %s\n", worst ? "FAIL" : "PASS");
    fs_rte_mpi_fini(rte);
    return worst ? 1 : 0;
}
