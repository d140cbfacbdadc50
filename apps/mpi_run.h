/* mpi_run.h: `rena generate` and `rena train` across the ranks of an MPI
 * job (OpenMPI's mpirun, Slurm's srun). Built only with -DRENA_MPI=ON; the
 * core stays MPI-free and a normal build has none of this.
 *
 * generate: rank r makes shard r+1 of P into a scratch folder next to --out
 * with its own face backend (per-sample seeding makes the rows those of a
 * single run); rank 0 joins the shards with rena_dataset_merge. A failure on
 * any rank fails every rank: rank 0 prints "rank R of P: <error>", the
 * scratch folder is removed and no dataset appears.
 *
 * train: every rank loads the dataset, takes the same weights and batch
 * order, computes its slice of each global batch and MPI_Allreduce sums the
 * gradients (core/train_parallel.h). A weight checksum is compared across
 * ranks at the start of every epoch. Rank 0 alone writes the model files.
 *
 * Only rank 0 prints progress and results. docs/cluster.md has the details. */
#ifndef RENA_MPI_RUN_H
#define RENA_MPI_RUN_H

#include "generate.h"
#include "model.h"
#include "train.h"

/* Non-zero when this process was started by an MPI launcher
 * (OMPI_COMM_WORLD_SIZE or PMI_SIZE in the environment). */
int rena_mpi_launched(void);

/* Runs `rena <cmd>` generation of opt over the job's ranks into out_dir;
 * returns the process exit code. opt->meta must describe the whole dataset
 * (shard 1/1): the ranks split it themselves. */
int rena_mpi_generate(const char *cmd, const char *out_dir, const rena_generate_options *opt);

/* Trains on data_dir over the job's ranks and writes model_path,
 * model_path.curves.csv and .loss.png from rank 0; returns the exit code.
 * opt->threads 0 means the cores of the node shared among its ranks. */
int rena_mpi_train(const char *cmd, const char *data_dir, const char *model_path,
                   const rena_model_hparams *hp, const rena_train_options *opt);

#endif
