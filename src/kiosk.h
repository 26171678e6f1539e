/* kiosk.h - everything of paykiosk but `qr`, `--help` and `--version`:
 * the kiosk UI, `pay`, `recheck`, `report` and `set-pin`, with ncurses,
 * SQLite, HarfBuzz, fontconfig and libsixel; libcurl and its TLS stack
 * come later still, from the module net.h describes, when the kiosk first
 * goes online.
 *
 * It is built as a module of its own (paykiosk-kiosk.so, installed in
 * <libdir>/paykiosk) that the `paykiosk` program (main.c) loads with
 * dlopen only for the commands that need it: `paykiosk qr TEXT` and
 * `paykiosk --version` map libc and libqrencode, not the 45 libraries
 * behind these (docs/BENCHMARKS.md, "Light start").  The process stays
 * `paykiosk` (/proc/self/exe, its name), one program to the user.
 *
 * The module and the program come from the same build: the one entry
 * point takes main.c's structures as they are. */
#ifndef PK_KIOSK_H
#define PK_KIOSK_H

#include <stdbool.h>

#include "common/config.h"

/* The file name of the module, and where it is looked for: next to the
 * running program (the build tree), else PK_KIOSK_MODULE_RELDIR (from the
 * program's folder to <libdir>/paykiosk, set by CMakeLists.txt: the
 * package's layout wherever it is unpacked). */
#define PK_KIOSK_MODULE "paykiosk-kiosk.so"
#define PK_KIOSK_ENTRY "pk_kiosk_main"

/* main.c's hidden options, taken out of argv before the config saw it. */
typedef struct pk_start {
	bool exit_after_first_frame;
	bool journal_given; /* --journal or PAYKIOSK_JOURNAL: training uses it as is */
} pk_start;

/* Run the command in cfg->argv (none: the kiosk UI).  cfg was loaded by
 * main.c (pk_config_load) and stays main.c's to free.  Returns the exit
 * status: 0 normal, 1 runtime error, 2 usage or configuration. */
typedef int pk_kiosk_main_fn(pk_config *cfg, const pk_start *start);
pk_kiosk_main_fn pk_kiosk_main;

#endif
