/* randmodel.h: a model with random weights and a random (but valid) input
 * normalisation, for tests of inference and model files that need no
 * training. Fails the calling Check test if the model cannot be made. */
#ifndef RENA_TEST_RANDMODEL_H
#define RENA_TEST_RANDMODEL_H

#include <stdint.h>

#include "model.h"

rena_model *rena_test_random_model(rena_arch arch, uint64_t seed);

#endif
