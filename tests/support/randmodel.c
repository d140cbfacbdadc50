#include "randmodel.h"

#include "rng.h"
#include "testutil.h"

rena_model *rena_test_random_model(rena_arch arch, uint64_t seed)
{
    rena_model_hparams hp;
    rena_model_hparams_default(arch, &hp);
    rena_model *m = NULL;
    ck_assert_int_eq(rena_model_create(&hp, seed, &m, NULL), RENA_OK);
    rena_rng rng;
    rena_rng_init(&rng, seed, 1);
    for (int i = 0; i < m->n_in; i++) {
        m->in_mean[i] = (float)rena_rng_range(&rng, -0.2, 0.2);
        m->in_scale[i] = (float)rena_rng_range(&rng, 0.5, 2.0);
    }
    return m;
}
