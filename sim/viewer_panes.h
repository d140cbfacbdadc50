/* viewer_panes.h: the 2D panes of sim/viewer.h (image, bars, time series,
 * text), drawn with MuJoCo's 2D primitives into the current window buffer.
 * Used by viewer.c between its 3D panes; callers hold the window's GL
 * context current and run inside a rena_sim_guard. */
#ifndef RENA_VIEWER_PANES_H
#define RENA_VIEWER_PANES_H

#include <stddef.h>

#include "viewer.h"

/* The image scaled to fit r (nearest neighbour, aspect kept, centred) on a
 * dark background; *buf (*size bytes, grown as needed) holds the scaled copy. */
void rena_viewer_pane_image(const mjrContext *con, mjrRect r, const rena_image *img,
                            unsigned char **buf, size_t *size);

/* p's bars, one text line high each, in as many columns as it takes. */
void rena_viewer_pane_bars(const mjrContext *con, mjrRect r, const rena_viewer_pane *p);

/* p's series as a line plot along the bottom of r (fig is the scratch figure). */
void rena_viewer_pane_series(const mjrContext *con, mjrRect r, const rena_viewer_pane *p,
                             mjvFigure *fig);

/* p's title (top right) and two-column text (top left). */
void rena_viewer_pane_text(const mjrContext *con, mjrRect r, const rena_viewer_pane *p);

#endif
