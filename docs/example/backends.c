/* backends.c: the two face backends of an installed rena from your own C
 * program, neither needing a robot: the MuJoCo twin (rena-sim) and the STS
 * servo bus (rena-hw) driving its in-process emulator on a pseudo-terminal.
 *
 *   backends SCENE.xml   -- e.g. $PREFIX/share/rena/scenes/face.xml
 *
 * Commands both faces to neutral and prints the MuJoCo version, then one
 * line per backend and servo: "sim|hw INDEX POSITION". */
#include <stdio.h>

#include <rena/hw.h>
#include <rena/servo.h>
#include <rena/sim.h>

static int fail(const char *what, const rena_error *err)
{
    char msg[1200];
    fprintf(stderr, "backends: %s: %s\n", what, rena_error_format(err, msg, sizeof msg));
    return 1;
}

/* Neutral in, positions read back out. */
static rena_status hold_neutral(rena_actuator *face, const char *name, rena_error *err)
{
    float cmd[RENA_NUM_SERVOS], sent[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
    rena_servo_neutral(cmd);
    rena_status st = rena_actuator_write(face, cmd, sent, err);
    if (st == RENA_OK)
        st = rena_actuator_read(face, pos, err);
    for (int i = 0; st == RENA_OK && i < RENA_NUM_SERVOS; i++)
        printf("%s %d %.3f\n", name, i, pos[i]);
    return st;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: backends SCENE.xml\n");
        return 2;
    }
    rena_error err;
    printf("mujoco %s\n", rena_sim_mujoco_version());

    rena_sim_options so;
    rena_sim_options_default(&so);
    so.scene_path = argv[1];
    so.render = 0; /* features only: no GL context */
    rena_actuator sim;
    if (rena_sim_open(&so, &sim, &err) != RENA_OK)
        return fail("sim", &err);
    rena_status st = hold_neutral(&sim, "sim", &err);
    rena_actuator_close(&sim);
    if (st != RENA_OK)
        return fail("sim", &err);

    rena_hw_options ho;
    rena_hw_options_default(&ho);
    ho.emulate = 1;
    rena_actuator hw;
    if (rena_hw_open(&ho, &hw, &err) != RENA_OK)
        return fail("hw", &err);
    st = hold_neutral(&hw, "hw", &err);
    rena_actuator_close(&hw);
    return st == RENA_OK ? 0 : fail("hw", &err);
}
