/* mpi_loops - the minimal MPI loops osu_latency and osu_bw run, for a
 * side-by-side check that fabscale's harness adds nothing to what it
 * measures.  Prints "latency BYTES AVG_US" and "bw BYTES MBPS" lines.
 *
 *   mpirun -n 2 mpi_loops latency|bw SIZE[,SIZE...] [ITERS] [WINDOW] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (argc < 3) {
        if (rank == 0) fprintf(stderr, "usage: mpi_loops latency|bw SIZES [ITERS] [WINDOW]\n");
        MPI_Finalize();
        return 2;
    }
    int lat = strcmp(argv[1], "latency") == 0;
    int iters = argc > 3 ? atoi(argv[3]) : (lat ? 10000 : 100);
    int window = argc > 4 ? atoi(argv[4]) : 64;
    int peer = 1 - rank;
    char *list = strdup(argv[2]);
    MPI_Request *req = malloc(sizeof *req * (size_t)window);
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        int bytes = atoi(tok);
        void *sp = NULL, *rp = NULL;
        if (posix_memalign(&sp, 4096, (size_t)bytes + 4) ||
            posix_memalign(&rp, 4096, (size_t)bytes + 4))
            MPI_Abort(MPI_COMM_WORLD, 1);
        char *s = sp, *r = rp;
        memset(s, 1, (size_t)bytes);
        int skip = lat ? (bytes > 8192 ? 10 : 100) : 10;
        double t0 = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (int i = 0; i < iters + skip; i++) {
            if (i == skip) t0 = MPI_Wtime();
            if (lat) {
                if (rank == 0) {
                    MPI_Send(s, bytes, MPI_CHAR, peer, 1, MPI_COMM_WORLD);
                    MPI_Recv(r, bytes, MPI_CHAR, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                } else {
                    MPI_Recv(r, bytes, MPI_CHAR, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                    MPI_Send(s, bytes, MPI_CHAR, peer, 1, MPI_COMM_WORLD);
                }
            } else if (rank == 0) {
                for (int w = 0; w < window; w++)
                    MPI_Isend(s, bytes, MPI_CHAR, peer, 2, MPI_COMM_WORLD, &req[w]);
                MPI_Waitall(window, req, MPI_STATUSES_IGNORE);
                MPI_Recv(r, 4, MPI_CHAR, peer, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else {
                for (int w = 0; w < window; w++)
                    MPI_Irecv(r, bytes, MPI_CHAR, peer, 2, MPI_COMM_WORLD, &req[w]);
                MPI_Waitall(window, req, MPI_STATUSES_IGNORE);
                MPI_Send(s, 4, MPI_CHAR, peer, 3, MPI_COMM_WORLD);
            }
        }
        double t = MPI_Wtime() - t0;
        if (rank == 0) {
            if (lat)
                printf("latency %d %.3f\n", bytes, t * 1e6 / (2.0 * iters));
            else
                printf("bw %d %.2f\n", bytes, (double)bytes * iters * window / t / 1e6);
        }
        free(s);
        free(r);
    }
    free(req);
    free(list);
    MPI_Finalize();
    return 0;
}
