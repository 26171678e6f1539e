/* exepath.h - a file beside the running program: the build tree and an
 * unpacked package keep the program's companions (its catalogues, the
 * training sandbox, the kiosk module) at fixed places relative to it. */
#ifndef PK_EXEPATH_H
#define PK_EXEPATH_H

#include <stddef.h>

/* "<folder of /proc/self/exe>/<rel>" into buf.  0, or -1 when the
 * program's path cannot be read or the result does not fit. */
int pk_exe_path(const char *rel, char *buf, size_t len);

#endif
