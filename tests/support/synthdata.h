/* synthdata.h: a small synthetic dataset on disk for CLI tests: commands a
 * smooth function of random blendshapes, landmarks following them, and
 * (optionally) a 64x48 gradient picture per sample. */
#ifndef RENA_SYNTHDATA_H
#define RENA_SYNTHDATA_H

/* Writes `total` samples (1/5 of them test) to dir; fails the test on error. */
void rena_test_make_dataset(const char *dir, long total, int images);

#endif
