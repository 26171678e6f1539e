/* cli_set_pin.h - `paykiosk set-pin`: store the supervisor PIN's hash. */
#ifndef PK_CLI_SET_PIN_H
#define PK_CLI_SET_PIN_H

#include "common/config.h"

int pk_cmd_set_pin(const pk_config *cfg, int argc, char **argv);

#endif
