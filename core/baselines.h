/* baselines.h: the methods rena's model is compared with in Tables II and
 * III, as mimic policies (core/mimic.h):
 *  - RS, the random baseline: every frame a fresh command of the expert
 *    strategy (core/expert.h), keyed by (seed, frame) -- natural faces that
 *    ignore the performer;
 *  - NN, nearest neighbour in blendshape space (the baseline of Emo,
 *    Hu et al. 2024): the command of the training sample whose 52
 *    blendshapes are closest (Euclidean) to the frame's; ties go to the
 *    lowest row. A brute-force scan: 8,000 rows x 52 values is about
 *    0.1 ms per frame, no index needed.
 * The landmark MLP (Eva's method) is a trained model of architecture
 * landmark-mlp and needs no code here: rena_mimic_policy_model. */
#ifndef RENA_BASELINES_H
#define RENA_BASELINES_H

#include <stdint.h>

#include "dataset.h"
#include "mimic.h"

/* The RS policy (name "rs"): rena_expert_sample(seed, frame). */
rena_status rena_baseline_random(uint64_t seed, rena_mimic_policy *out, rena_error *err);

/* The NN policy (name "nn") over a dataset split (borrowed: it must outlive
 * the policy). RENA_ERR_ARG for an empty split. */
rena_status rena_baseline_nearest(const rena_samples *train, rena_mimic_policy *out,
                                  rena_error *err);

/* Row of `train` nearest to bs (52 values); -1 for an empty split. */
long rena_baseline_nearest_row(const rena_samples *train, const float bs[RENA_NUM_BLENDSHAPES]);

#endif
