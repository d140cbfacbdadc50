/* predict.c: using installed rena from your own C program.
 *
 *   predict MODEL.rena   -- loads a trained model
 *   predict              -- builds an untrained kan-attn model (for a smoke test)
 *
 * Feeds one frame of blendshapes through the model and prints the 25 servo
 * commands, as a camera loop would at every frame. */
#include <stdio.h>

#include <rena/blendshape.h>
#include <rena/model.h>
#include <rena/modelfile.h>
#include <rena/servo.h>

int main(int argc, char **argv)
{
    rena_error err;
    rena_model *model = NULL;
    rena_status st;
    if (argc > 1) {
        st = rena_model_load(argv[1], &model, &err);
    } else {
        rena_model_hparams hp;
        rena_model_hparams_default(RENA_ARCH_KAN_ATTN, &hp);
        st = rena_model_create(&hp, 1, &model, &err);
    }
    if (st != RENA_OK) {
        char msg[1200];
        fprintf(stderr, "predict: %s\n", rena_error_format(&err, msg, sizeof msg));
        return 1;
    }
    rena_workspace *ws = rena_workspace_create(model);
    if (!ws) {
        rena_model_free(model);
        return 1;
    }

    rena_features frame = {0};
    frame.valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_POSE;
    frame.blendshapes[RENA_BS_JAW_OPEN] = 0.6f;
    frame.blendshapes[RENA_BS_MOUTH_SMILE_LEFT] = 0.8f;
    frame.blendshapes[RENA_BS_MOUTH_SMILE_RIGHT] = 0.8f;

    float commands[RENA_NUM_SERVOS];
    st = rena_model_predict(model, ws, &frame, commands);
    for (int i = 0; st == RENA_OK && i < RENA_NUM_SERVOS; i++)
        printf("%-13s %.4f\n", rena_servos[i].name, commands[i]);

    rena_workspace_free(ws);
    rena_model_free(model);
    return st == RENA_OK ? 0 : 1;
}
