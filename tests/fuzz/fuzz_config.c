/* fuzz_config.c - a hostile config file.  pk_config_load returns 0 or -1,
 * never leaks, and its message never repeats the planted secret. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"

#define PLANTED "S3cr3t-planted-value"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/pk-fuzz-config-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	static const char head[] = "secret = " PLANTED "\n";
	if (write(fd, head, sizeof head - 1) < 0 || write(fd, data, size) < 0) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	unsetenv("PAYKIOSK_API_URL");
	unsetenv("PAYKIOSK_SECRET");
	unsetenv("PAYKIOSK_SECRET_FILE");
	unsetenv("PAYKIOSK_LABEL");
	unsetenv("PAYKIOSK_LANG");
	unsetenv("PAYKIOSK_JOURNAL");
	unsetenv("PAYKIOSK_CONFIG");
	setenv("HOME", "/tmp", 1);
	char *argv[] = { "paykiosk", "--config", path, NULL };
	pk_config cfg;
	pk_config_action action;
	pk_error err;
	pk_error_clear(&err);
	if (pk_config_load(&cfg, 3, argv, &action, &err) == 0)
		pk_config_free(&cfg);
	else if (strstr(err.msg, PLANTED))
		abort();
	unlink(path);
	return 0;
}
