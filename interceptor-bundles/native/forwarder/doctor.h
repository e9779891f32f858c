/* `telltale doctor`: checks the configuration and the way to the appliance. */
#ifndef TT_DOCTOR_H
#define TT_DOCTOR_H

#include "config.h"

/* Prints a report to stdout; returns 0 when the appliance welcomed us, 1 otherwise. */
int tt_cmd_doctor(tt_config *c);

#endif
