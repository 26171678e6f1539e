/* cli_set_pin.c - `paykiosk set-pin`: ask the supervisor PIN twice without
 * echo (or read one line when stdin is not a terminal, for provisioning
 * scripts), and store its salted hash as `supervisor_pin = ...` in the
 * config file that was read (or the default one: /etc/paykiosk/ for root,
 * else $XDG_CONFIG_HOME/paykiosk/).  The file is rewritten atomically
 * (temporary file, fsync, rename) and stays mode 0600. */
#include "cli_set_pin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "common/i18n.h"
#include "common/pin.h"

/* One line from stdin, without echo when it is a terminal. */
static int read_pin(const char *prompt, char *out, size_t len)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fprintf(stderr, "%s ", prompt);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= (tcflag_t)~ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		} else {
			tty = false;
		}
	}
	size_t n = 0;
	int rc = -1;
	for (;;) {
		char c;
		ssize_t r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = n > 0 ? 0 : -1;
			break;
		}
		if (c == '\n') {
			rc = 0;
			break;
		}
		if (c != '\r' && n + 1 < len)
			out[n++] = c;
	}
	out[n] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return rc;
}

static int default_path(char *out, size_t len)
{
	int n;
	if (geteuid() == 0) {
		n = snprintf(out, len, "/etc/paykiosk/paykiosk.conf");
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		if (xdg && xdg[0] == '/')
			n = snprintf(out, len, "%s/paykiosk/paykiosk.conf", xdg);
		else if (home && home[0] == '/')
			n = snprintf(out, len, "%s/.config/paykiosk/paykiosk.conf", home);
		else
			return -1;
	}
	return n > 0 && (size_t)n < len ? 0 : -1;
}

static int make_parent(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* Is this line a `supervisor_pin = ...` setting? */
static bool is_pin_line(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t k = strlen("supervisor_pin");
	if (strncmp(line, "supervisor_pin", k) != 0)
		return false;
	line += k;
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '=';
}

static int write_config(const char *path, const char *hash)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.new", path) >= (int)sizeof tmp)
		return -1;
	FILE *in = fopen(path, "re");
	if (!in && errno != ENOENT)
		return -1;
	if (make_parent(path) < 0)
		goto fail_in;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto fail_in;
	FILE *out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		goto fail_tmp;
	}
	bool written = false;
	if (in) {
		struct stat st;
		if (fstat(fileno(in), &st) == 0 && fchown(fd, st.st_uid, st.st_gid) < 0) {
			/* not root: the file stays ours, which is what we can do */
		}
		char *line = NULL;
		size_t cap = 0;
		while (getline(&line, &cap, in) >= 0) {
			if (is_pin_line(line)) {
				if (!written)
					fprintf(out, "supervisor_pin = %s\n", hash);
				written = true;
				continue;
			}
			fputs(line, out);
			size_t n = strlen(line);
			if (n > 0 && line[n - 1] != '\n')
				fputc('\n', out);
		}
		free(line);
	}
	if (!written) {
		fprintf(out, "# The supervisor PIN for --kiosk, set by 'paykiosk set-pin' "
			     "(a salted hash, not the PIN)\n");
		fprintf(out, "supervisor_pin = %s\n", hash);
	}
	fchmod(fd, 0600);
	if (fflush(out) != 0 || fsync(fd) != 0) {
		fclose(out);
		goto fail_tmp;
	}
	if (fclose(out) != 0)
		goto fail_tmp;
	if (rename(tmp, path) < 0)
		goto fail_tmp;
	if (in)
		fclose(in);
	return 0;
fail_tmp: {
	int e = errno;
	unlink(tmp);
	errno = e;
}
fail_in:
	if (in) {
		int e = errno;
		fclose(in);
		errno = e;
	}
	return -1;
}

int pk_cmd_set_pin(const pk_config *cfg, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("%s\n", _("Usage: paykiosk [--config FILE] set-pin"));
			return 0;
		}
		fprintf(stderr, "paykiosk: ");
		fprintf(stderr, _("unknown option '%s'"), argv[i]);
		fprintf(stderr, "\n%s\n", _("Usage: paykiosk [--config FILE] set-pin"));
		return 2;
	}
	char path[PATH_MAX];
	if (cfg->config_path)
		snprintf(path, sizeof path, "%s", cfg->config_path);
	else if (default_path(path, sizeof path) < 0) {
		fprintf(stderr, "paykiosk: %s\n", _("No place for the config file: set HOME"));
		return 2;
	}

	char pin[64], again[64], hash[PK_PIN_HASH_MAX];
	pk_error err;
	int status = 1;
	if (read_pin(_("New supervisor PIN (4-12 digits):"), pin, sizeof pin) < 0) {
		fprintf(stderr, "paykiosk: %s\n", _("No PIN was given"));
		return 2;
	}
	if (pk_pin_check_format(pin, &err) < 0) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		status = 2;
		goto out;
	}
	if (isatty(STDIN_FILENO)) {
		if (read_pin(_("The same PIN again:"), again, sizeof again) < 0 ||
		    strcmp(pin, again) != 0) {
			fprintf(stderr, "paykiosk: %s\n", _("The two PINs differ; nothing was changed"));
			status = 2;
			goto out;
		}
	}
	if (pk_pin_hash(pin, hash, sizeof hash, &err) < 0) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		goto out;
	}
	if (write_config(path, hash) < 0) {
		fprintf(stderr, "paykiosk: ");
		/* TRANSLATORS: %s is the config file, then the system's reason */
		fprintf(stderr, _("Cannot write %s: %s"), path, strerror(errno));
		fputc('\n', stderr);
		goto out;
	}
	/* TRANSLATORS: %s is the config file */
	printf(_("The supervisor PIN is set in %s"), path);
	putchar('\n');
	status = 0;
out:
	explicit_bzero(pin, sizeof pin);
	explicit_bzero(again, sizeof again);
	return status;
}
