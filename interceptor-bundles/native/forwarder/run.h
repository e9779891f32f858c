/* `telltale run`: launcher and forwarder. */
#ifndef TT_RUN_H
#define TT_RUN_H

#include "config.h"

/* Runs c->cmd under the forwarder; returns the exit status to use (or dies of the
 * command's signal). */
int tt_cmd_run(tt_config *c);

#endif
