/* main.c - paykiosk: configuration, then `qr`, `--help` and `--version`
 * here; every other command and the kiosk itself in the module kiosk.h
 * describes, loaded only for them (so these three map libc and
 * libqrencode only).
 * Exit status: 0 normal, 1 runtime error, 2 usage or configuration. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_qr.h"
#include "common/config.h"
#include "common/exepath.h"
#include "common/i18n.h"
#include "kiosk.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* Our hidden options are taken out of argv before the config sees it. */
static int strip_hidden(int argc, char **argv, pk_start *h)
{
	int out = 1;
	bool options = true;
	for (int i = 1; i < argc; i++) {
		if (options && strcmp(argv[i], "--exit-after-first-frame") == 0) {
			h->exit_after_first_frame = true;
			continue;
		}
		if (options && (strcmp(argv[i], "--journal") == 0 ||
				strncmp(argv[i], "--journal=", 10) == 0))
			h->journal_given = true;
		if (options && argv[i][0] != '-')
			options = false; /* a subcommand: the rest is its own */
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	if (getenv("PAYKIOSK_JOURNAL"))
		h->journal_given = true;
	return out;
}

/* The module's path (kiosk.h): next to this program, else in the
 * package's folder for it. */
static int module_path(char *buf, size_t len)
{
	static const char *const where[] = { PK_KIOSK_MODULE,
					     PK_KIOSK_MODULE_RELDIR "/" PK_KIOSK_MODULE };
	struct stat st;
	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++)
		if (pk_exe_path(where[i], buf, len) == 0 && stat(buf, &st) == 0)
			return 0;
	return -1; /* buf names the package's place: the message says it */
}

static int run_module(pk_config *cfg, const pk_start *start)
{
	char path[PATH_MAX + sizeof PK_KIOSK_MODULE_RELDIR + sizeof PK_KIOSK_MODULE];
	void *mod = NULL;
	pk_kiosk_main_fn *entry = NULL;
	const char *why = strerror(ENOENT);
	if (module_path(path, sizeof path) == 0) {
		if ((mod = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
			*(void **)&entry = dlsym(mod, PK_KIOSK_ENTRY);
		if (!entry)
			why = dlerror();
	}
	if (!entry) {
		fprintf(stderr, "paykiosk: ");
		fprintf(stderr, _("%s: cannot open: %s"), path, why ? why : "");
		fputc('\n', stderr);
		return EXIT_RUNTIME;
	}
	/* Never unloaded: its threads and atexit handlers are gone by the
	 * time main returns. */
	return entry(cfg, start);
}

int main(int argc, char **argv)
{
	/* The secret lives in this process's memory: never in a core dump. */
	struct rlimit no_core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &no_core);
	if (pk_i18n_init() < 0)
		fprintf(stderr, "paykiosk: no UTF-8 locale; text may look wrong\n");
	pk_start start = { 0 };
	argc = strip_hidden(argc, argv, &start);

	pk_config cfg;
	pk_config_action action;
	pk_error err;
	pk_error_clear(&err);
	if (pk_config_load(&cfg, argc, argv, &action, &err) < 0) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		fprintf(stderr, "%s\n", _("Try 'paykiosk --help'."));
		return EXIT_USAGE;
	}
	int status;
	if (action == PK_CONFIG_HELP) {
		pk_i18n_set_lang(cfg.lang);
		fputs(pk_config_usage(), stdout);
		status = 0;
	} else if (action == PK_CONFIG_VERSION) {
		printf("paykiosk %s\n", PK_VERSION);
		status = 0;
	} else {
		pk_i18n_set_lang(cfg.lang);
		if (cfg.argc > 0 && strcmp(cfg.argv[0], "qr") == 0)
			status = pk_cmd_qr(cfg.argc, cfg.argv);
		else
			status = run_module(&cfg, &start);
	}
	pk_config_free(&cfg);
	return status;
}
