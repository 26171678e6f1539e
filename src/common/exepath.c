/* exepath.c - a file beside the running program (exepath.h). */
#include "common/exepath.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int pk_exe_path(const char *rel, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	int w = snprintf(buf, len, "%s/%s", exe, rel);
	return w > 0 && (size_t)w < len ? 0 : -1;
}
