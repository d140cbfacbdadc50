/* .npy reading and writing: round trips, numpy agreement, refusal of bad files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "npy.h"
#include "testutil.h"

static char dir[512];

static void setup(void) { rena_test_tmpdir(dir, sizeof dir); }
static void teardown(void) { rena_remove_tree(dir); }

static const char *path_in(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}

/* Value of element k in the test arrays (numpy recomputes the same). */
static float f_value(long k) { return (float)k * 0.25f - 3.0f; }
static int32_t i_value(long k) { return (int32_t)(k * 7 - 100); }

static void write_file(const char *path, const void *data, size_t size)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(data, 1, size, fp), size);
    fclose(fp);
}

/* A valid 1.0 header around `dict` followed by `data_bytes` zero bytes. */
static void write_raw(const char *path, const char *dict, size_t data_bytes)
{
    unsigned char buf[1024] = {0};
    size_t hl = strlen(dict) + 1;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)hl;
    memcpy(buf + 10, dict, hl - 1);
    buf[10 + hl - 1] = '\n';
    write_file(path, buf, 10 + hl + data_bytes);
}

START_TEST(round_trip_every_rank_and_dtype)
{
    const long shapes[][4] = {{0}, {7}, {3, 25}, {2, 68, 2}, {2, 3, 4, 5}, {0, 25}};
    const int ndims[] = {0, 1, 2, 3, 4, 2};
    for (size_t t = 0; t < sizeof ndims / sizeof ndims[0]; t++)
        for (int dt = 0; dt < 2; dt++) {
            long count = 1;
            for (int d = 0; d < ndims[t]; d++)
                count *= shapes[t][d];
            float *f = malloc((size_t)(count + 1) * 4);
            int32_t *iv = (int32_t *)f;
            for (long k = 0; k < count; k++) {
                if (dt == RENA_NPY_F32)
                    f[k] = f_value(k);
                else
                    iv[k] = i_value(k);
            }
            char p[600];
            rena_error e;
            path_in("a.npy", p, sizeof p);
            ck_assert_int_eq(rena_npy_write(p, (rena_npy_dtype)dt, ndims[t], shapes[t], f, &e), RENA_OK);
            rena_npy_array a;
            ck_assert_int_eq(rena_npy_read(p, &a, &e), RENA_OK);
            ck_assert_int_eq(a.dtype, dt);
            ck_assert_int_eq(a.ndim, ndims[t]);
            ck_assert_int_eq(a.count, count);
            for (int d = 0; d < ndims[t]; d++)
                ck_assert_int_eq(a.shape[d], shapes[t][d]);
            if (count)
                ck_assert_mem_eq(a.data, f, (size_t)count * 4);
            /* numpy aligns the data to 64 bytes; so do we */
            struct stat st;
            ck_assert_int_eq(stat(p, &st), 0);
            ck_assert_int_eq((st.st_size - count * 4) % 64, 0);
            rena_npy_free(&a);
            free(f);
        }
}
END_TEST

START_TEST(write_leaves_no_temporary_files)
{
    char p[600];
    long shape[1] = {3};
    float v[3] = {1, 2, 3};
    ck_assert_int_eq(rena_npy_write(path_in("x.npy", p, sizeof p), RENA_NPY_F32, 1, shape, v, NULL), RENA_OK);
    ck_assert_int_eq(rena_npy_write(p, RENA_NPY_F32, 1, shape, v, NULL), RENA_OK);
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL)
        files += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(files, 1);
}
END_TEST

static int python_has_numpy(void)
{
    return system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

START_TEST(numpy_reads_what_rena_writes_byte_for_byte)
{
    if (!python_has_numpy()) {
        fprintf(stderr, "SKIP numpy check: /usr/bin/python3 has no numpy\n");
        return;
    }
    const long s2[2] = {3, 25}, s3[3] = {2, 68, 2}, s1[1] = {11}, s4[4] = {1, 2, 3, 4};
    float f[300];
    int32_t iv[300];
    for (long k = 0; k < 300; k++) {
        f[k] = f_value(k);
        iv[k] = i_value(k);
    }
    char p[600];
    ck_assert_int_eq(rena_npy_write(path_in("f2.npy", p, sizeof p), RENA_NPY_F32, 2, s2, f, NULL), RENA_OK);
    ck_assert_int_eq(rena_npy_write(path_in("f3.npy", p, sizeof p), RENA_NPY_F32, 3, s3, f, NULL), RENA_OK);
    ck_assert_int_eq(rena_npy_write(path_in("i1.npy", p, sizeof p), RENA_NPY_I32, 1, s1, iv, NULL), RENA_OK);
    ck_assert_int_eq(rena_npy_write(path_in("i4.npy", p, sizeof p), RENA_NPY_I32, 4, s4, iv, NULL), RENA_OK);
    ck_assert_int_eq(rena_npy_write(path_in("f0.npy", p, sizeof p), RENA_NPY_F32, 0, NULL, f, NULL), RENA_OK);
    static const char script[] =
        "import io, sys, numpy as np\n"
        "d = sys.argv[1]\n"
        "cases = {'f2': ((3, 25), np.float32), 'f3': ((2, 68, 2), np.float32),\n"
        "         'i1': ((11,), np.int32), 'i4': ((1, 2, 3, 4), np.int32), 'f0': ((), np.float32)}\n"
        "for name, (shape, dt) in cases.items():\n"
        "    k = np.arange(int(np.prod(shape)))\n"
        "    want = (k * 0.25 - 3.0 if dt == np.float32 else k * 7 - 100).astype(dt).reshape(shape)\n"
        "    got = np.load(f'{d}/{name}.npy')\n"
        "    assert got.dtype == want.dtype and got.shape == want.shape, name\n"
        "    assert np.array_equal(got, want), name\n"
        "    buf = io.BytesIO(); np.save(buf, want)\n"
        "    assert open(f'{d}/{name}.npy', 'rb').read() == buf.getvalue(), name + ' bytes differ'\n"
        "print('ok')\n";
    char spath[600], cmd[1400];
    FILE *fp = fopen(path_in("check.py", spath, sizeof spath), "w");
    fputs(script, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s", spath, dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(reads_files_numpy_wrote)
{
    if (!python_has_numpy()) {
        fprintf(stderr, "SKIP numpy check: /usr/bin/python3 has no numpy\n");
        return;
    }
    char cmd[1400];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import numpy as np; "
             "np.save('%s/n.npy', (np.arange(12) * 0.25 - 3.0).astype('<f4').reshape(4, 3)); "
             "import numpy.lib.format as f; fp = open('%s/v2.npy', 'wb'); "
             "f.write_array(fp, np.arange(5, dtype='<i4'), version=(2, 0)); fp.close()\"",
             dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    char p[600];
    rena_npy_array a;
    ck_assert_int_eq(rena_npy_read(path_in("n.npy", p, sizeof p), &a, NULL), RENA_OK);
    ck_assert_int_eq(a.ndim, 2);
    ck_assert_int_eq(a.shape[0], 4);
    ck_assert_int_eq(a.shape[1], 3);
    for (long k = 0; k < 12; k++)
        ck_assert(((float *)a.data)[k] == f_value(k));
    rena_npy_free(&a);
    ck_assert_int_eq(rena_npy_read(path_in("v2.npy", p, sizeof p), &a, NULL), RENA_OK);
    ck_assert_int_eq(a.dtype, RENA_NPY_I32);
    ck_assert_int_eq(((int32_t *)a.data)[4], 4);
    rena_npy_free(&a);
}
END_TEST

static void assert_refused(const char *name, rena_status code, const char *fragment)
{
    char p[600];
    rena_npy_array a;
    rena_error e;
    rena_error_clear(&e);
    rena_status st = rena_npy_read(path_in(name, p, sizeof p), &a, &e);
    ck_assert_msg(st == code, "%s: got %s (%s), want %s", name, rena_status_str(st), e.message,
                  rena_status_str(code));
    ck_assert_str_eq(e.where, p);
    ck_assert_msg(strstr(e.message, fragment) != NULL, "%s: message '%s' lacks '%s'", name,
                  e.message, fragment);
    ck_assert_ptr_null(a.data);
}

START_TEST(bad_files_are_refused_naming_the_file)
{
    char p[600];
    const long shape[2] = {4, 25};
    float v[100] = {0};
    ck_assert_int_eq(rena_npy_write(path_in("good.npy", p, sizeof p), RENA_NPY_F32, 2, shape, v, NULL), RENA_OK);
    unsigned char *buf;
    size_t size;
    ck_assert_int_eq(rena_read_file(p, &buf, &size, NULL), RENA_OK);
    write_file(path_in("truncated.npy", p, sizeof p), buf, size - 1);
    write_file(path_in("short_header.npy", p, sizeof p), buf, 40);
    unsigned char *longer = malloc(size + 4);
    memcpy(longer, buf, size);
    memset(longer + size, 0, 4);
    write_file(path_in("extra.npy", p, sizeof p), longer, size + 4);
    buf[1] = 'X';
    write_file(path_in("magic.npy", p, sizeof p), buf, size);
    buf[1] = 'N';
    buf[6] = 3;
    write_file(path_in("version.npy", p, sizeof p), buf, size);
    free(buf);
    free(longer);
    write_raw(path_in("f8.npy", p, sizeof p), "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16);
    write_raw(path_in("be.npy", p, sizeof p), "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8);
    write_raw(path_in("fortran.npy", p, sizeof p), "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16);
    write_raw(path_in("rank5.npy", p, sizeof p), "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }", 4);
    write_raw(path_in("nokey.npy", p, sizeof p), "{'descr': '<f4', 'shape': (2,), }", 8);
    write_raw(path_in("badshape.npy", p, sizeof p), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 8);
    write_raw(path_in("dupkey.npy", p, sizeof p), "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8);
    assert_refused("truncated.npy", RENA_ERR_FORMAT, "truncated");
    assert_refused("short_header.npy", RENA_ERR_FORMAT, "truncated");
    assert_refused("extra.npy", RENA_ERR_FORMAT, "extra bytes");
    assert_refused("magic.npy", RENA_ERR_FORMAT, "magic");
    assert_refused("version.npy", RENA_ERR_VERSION, "version 3");
    assert_refused("f8.npy", RENA_ERR_FORMAT, "<f8");
    assert_refused("be.npy", RENA_ERR_FORMAT, ">f4");
    assert_refused("fortran.npy", RENA_ERR_FORMAT, "Fortran");
    assert_refused("rank5.npy", RENA_ERR_UNSUPPORTED, "rank");
    assert_refused("nokey.npy", RENA_ERR_FORMAT, "missing");
    assert_refused("badshape.npy", RENA_ERR_FORMAT, "shape");
    assert_refused("dupkey.npy", RENA_ERR_FORMAT, "repeated");
    assert_refused("missing.npy", RENA_ERR_NOT_FOUND, "cannot open");
}
END_TEST

START_TEST(encode_refuses_bad_arguments)
{
    unsigned char *buf;
    size_t size;
    const long neg[1] = {-1}, ok[1] = {2};
    rena_error e;
    ck_assert_int_eq(rena_npy_encode("x", RENA_NPY_F32, 5, ok, NULL, &buf, &size, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_npy_encode("x", RENA_NPY_F32, 1, neg, NULL, &buf, &size, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_npy_encode("x", RENA_NPY_F32, 1, ok, NULL, &buf, &size, &e), RENA_ERR_ARG);
    ck_assert_ptr_null(buf);
    float v[2] = {1, 2};
    ck_assert_int_eq(rena_npy_write("/nonexistent-folder/x.npy", RENA_NPY_F32, 1, ok, v, &e), RENA_ERR_IO);
    ck_assert_str_eq(e.where, "/nonexistent-folder/x.npy");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_npy");
    TCase *tc = tcase_create("npy");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, round_trip_every_rank_and_dtype);
    tcase_add_test(tc, write_leaves_no_temporary_files);
    tcase_add_test(tc, numpy_reads_what_rena_writes_byte_for_byte);
    tcase_add_test(tc, reads_files_numpy_wrote);
    tcase_add_test(tc, bad_files_are_refused_naming_the_file);
    tcase_add_test(tc, encode_refuses_bad_arguments);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
