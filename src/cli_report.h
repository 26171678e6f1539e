/* cli_report.h - `paykiosk report [--date YYYY-MM-DD] [--csv]`. */
#ifndef PK_CLI_REPORT_H
#define PK_CLI_REPORT_H

#include "common/config.h"

/* argv[0] is "report".  Prints the day's translated totals (or --csv, one
 * line per sale) from cfg->journal to stdout, problems to stderr.  Returns
 * the process exit status: 0 ok, 1 the journal cannot be read, 2 usage. */
int pk_cmd_report(const pk_config *cfg, int argc, char **argv);

#endif
