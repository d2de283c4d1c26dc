/*
 * collectives_impl.h - what the algorithm files share: tags, block
 * arithmetic, the power-of-two fold and blocking exchanges over tp->ops.
 * Not part of the public interface (the unit tests read the tag layout).
 */
#ifndef FS_COLLECTIVES_IMPL_H
#define FS_COLLECTIVES_IMPL_H

#include "collectives.h"

/* Tag = bit 30 | call sequence (6 bits) | step (16 bits) | chunk (8 bits).
 * Distinct steps and chunks get distinct tags so correctness never rests on
 * a provider's message ordering, and the sequence keeps a late message of
 * one call from matching a receive of the next. */
static inline uint32_t fs_coll_tag(const fs_coll *c, int step, int chunk)
{
    return FS_COLL_TAG_BIT | (c->seq & 0x3Fu) << 24 | ((uint32_t)step & 0xFFFFu) << 8 |
           ((uint32_t)chunk & 0xFFu);
}
static inline int fs_coll_tag_step(uint32_t tag)
{
    return (int)((tag >> 8) & 0xFFFFu);
}
static inline int fs_coll_tag_chunk(uint32_t tag)
{
    return (int)(tag & 0xFFu);
}

/* Largest power of two <= p, and its log. */
static inline int fs_pow2_floor(int p)
{
    int q = 1;
    while (q * 2 <= p) q *= 2;
    return q;
}
static inline int fs_log2i(int q)
{
    int l = 0;
    while ((1 << l) < q) l++;
    return l;
}

/*
 * Fold to a power of two: p' = 2^floor(lg p), rem = p - p'.  Ranks below
 * 2*rem pair up (2i, 2i+1); the even one hands its data to the odd one and
 * sits out (newrank -1); the odd one is newrank i.  Ranks from 2*rem on are
 * newrank r - rem.  Newrank i stands for real ranks first..last (one or two,
 * always contiguous, increasing with i), which is what lets reduce-scatter
 * and all-gather keep rank-ordered blocks through the fold.
 */
typedef struct fs_fold {
    int p2, rem, lg;
    int newrank; /* -1 when folded out */
} fs_fold;

static inline fs_fold fs_fold_make(int rank, int nranks)
{
    fs_fold f;
    f.p2 = fs_pow2_floor(nranks);
    f.rem = nranks - f.p2;
    f.lg = fs_log2i(f.p2);
    if (rank < 2 * f.rem)
        f.newrank = (rank % 2) ? rank / 2 : -1;
    else
        f.newrank = rank - f.rem;
    return f;
}
static inline int fs_fold_real(const fs_fold *f, int newrank)
{
    return newrank < f->rem ? 2 * newrank + 1 : newrank + f->rem;
}
/* First real rank newrank stands for (the folded-out partner, if any). */
static inline int fs_fold_first(const fs_fold *f, int newrank)
{
    return newrank < f->rem ? 2 * newrank : newrank + f->rem;
}

/* Offset of part i when n elements are split into `parts` near-equal
 * parts (the first n % parts get one more). */
static inline size_t fs_split_off(size_t n, int parts, int i)
{
    size_t q = n / (size_t)parts, r = n % (size_t)parts;
    size_t ui = (size_t)i;
    return ui * q + (ui < r ? ui : r);
}

/* Blocking exchanges on c's request slots; zero-length halves are skipped
 * (both sides compute the same lengths). */
int fs_coll_send(fs_coll *c, int peer, const void *buf, size_t len, fs_mr *mr, int step);
int fs_coll_recv(fs_coll *c, int peer, void *buf, size_t len, fs_mr *mr, int step);
int fs_coll_sendrecv(fs_coll *c, int peer, const void *sbuf, size_t slen, fs_mr *smr, void *rbuf,
                     size_t rlen, fs_mr *rmr, int step);

#endif
