/* train_parallel.h: the hook through which rena_train runs data-parallel
 * over several processes without the core knowing how they talk.
 *
 * Every process (a "part") holds the same weights and the same batch order.
 * Part p of P computes the contiguous rows [nb*p/P, nb*(p+1)/P) of every
 * batch of nb rows, with each sample's loss already weighted by 1/nb (the
 * GLOBAL batch), so the sum of the parts' gradients is the batch mean. The
 * reduce callback replaces the part's gradient and loss by those sums (an
 * MPI_Allreduce in apps/mpi_run.c); every part then takes the same Adam step
 * and the weights stay identical. Only the summation order differs from a
 * single process, so results agree to float rounding. */
#ifndef RENA_TRAIN_PARALLEL_H
#define RENA_TRAIN_PARALLEL_H

#include "status.h"

/* One reduction: the part's share of one batch. */
typedef struct {
    int epoch;            /* 0-based */
    long batch;           /* 0-based batch of the epoch */
    const float *params;  /* weights the gradient was taken at (equal on all parts) */
    float *grad;          /* [n_params]: in this part's sum, out the sum over all parts */
    long n_params;
    double loss;          /* in this part's loss sum / nb, out the sum over all parts */
} rena_train_step;

/* Must sum step->grad and step->loss over all parts; an error stops
 * training with that status. */
typedef rena_status (*rena_train_reduce_fn)(void *user, rena_train_step *step, rena_error *err);

typedef struct {
    int part, parts;             /* this process's index, number of processes; parts <= 1:
                                    one process, everything local (the default) */
    rena_train_reduce_fn reduce; /* required when parts > 1 */
    void *user;                  /* passed to reduce */
} rena_train_parallel;

#endif
