/* cli_pay.h - `paykiosk pay`: one sale for a point-of-sale program.
 * Exit status by the sale's final state: */
#ifndef PK_CLI_PAY_H
#define PK_CLI_PAY_H

#include <stdbool.h>

#include "common/config.h"
#include "common/log.h"

#define PK_PAY_EXIT_PAID 0
#define PK_PAY_EXIT_RUNTIME 1      /* could not run (journal, sandbox ...) */
#define PK_PAY_EXIT_USAGE 2        /* bad arguments or configuration */
#define PK_PAY_EXIT_FAILED 3       /* the gateway says not paid */
#define PK_PAY_EXIT_CANCELLED 4    /* cancelled, or abandoned: no money moved */
#define PK_PAY_EXIT_UNKNOWN 5      /* unconfirmed / pending / not found / stopped:
                                      the outcome is not known yet */

int pk_cmd_pay(const pk_config *cfg, bool journal_given, pk_log *log, int argc, char **argv);

#endif
