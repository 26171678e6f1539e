/* cli_recheck.h - `paykiosk recheck [--all]`: ask the gateway once more
 * about every open sale (what the kiosk does in the background, now, for
 * a till or an engineer). */
#ifndef PK_CLI_RECHECK_H
#define PK_CLI_RECHECK_H

#include <stdbool.h>

#include "common/config.h"
#include "common/log.h"

/* argv[0] is "recheck".  Prints a line per sale whose state changed and a
 * summary of what stays open.  Exit status: 0 every open sale was asked
 * and answered (whatever the answer), 1 some got no answer or the journal
 * failed (they stay open), 2 usage. */
int pk_cmd_recheck(const pk_config *cfg, bool journal_given, pk_log *log, int argc,
		   char **argv);

#endif
