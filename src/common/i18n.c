/* i18n.c - gettext set-up and run-time language switching.
 * The current language lives in the LANGUAGE environment variable (which
 * gettext reads), not in a variable of ours. */
#include "i18n.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* glibc's message catalogue counter: incrementing it is the documented way
 * to make gettext drop its cache after LANGUAGE changes (libc state). */
extern int _nl_msg_cat_cntr;

static const char *const lang_codes[PK_LANG__COUNT] = {
	[PK_LANG_EN] = "en",
	[PK_LANG_MY] = "my",
	[PK_LANG_HI] = "hi",
};

static int codeset_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <directory of the running binary>/locale into buf, or -1. */
static int exe_locale_dir(char *buf, size_t len)
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
	size_t dl = strlen(exe);
	if (dl + sizeof "/locale" > len)
		return -1;
	memcpy(buf, exe, dl);
	memcpy(buf + dl, "/locale", sizeof "/locale");
	return 0;
}

int pk_i18n_init(void)
{
	const char *loc = setlocale(LC_ALL, "");
	int ok = loc && codeset_is_utf8();
	static const char *const fallbacks[] = { "C.UTF-8", "en_US.UTF-8" };
	for (size_t i = 0; !ok && i < sizeof fallbacks / sizeof *fallbacks; i++)
		ok = setlocale(LC_ALL, fallbacks[i]) && codeset_is_utf8();
	/* A UTF-8 locale whose messages category is still plain C (LC_MESSAGES=C)
	 * would make gettext ignore LANGUAGE too. */
	const char *msgs = setlocale(LC_MESSAGES, NULL);
	if (ok && msgs && (strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0))
		setlocale(LC_MESSAGES, "C.UTF-8");

	const char *dir = getenv("PAYKIOSK_LOCALEDIR");
	char exedir[PATH_MAX];
	if (!dir || !*dir) {
		if (exe_locale_dir(exedir, sizeof exedir) == 0 && is_dir(exedir))
			dir = exedir;
		else
			dir = PK_LOCALEDIR;
	}
	bindtextdomain(PK_TEXTDOMAIN, dir);
	bind_textdomain_codeset(PK_TEXTDOMAIN, "UTF-8");
	textdomain(PK_TEXTDOMAIN);
	return ok ? 0 : -1;
}

void pk_i18n_set_lang(pk_lang lang)
{
	setenv("LANGUAGE", pk_lang_code(lang), 1);
	++_nl_msg_cat_cntr;
}

pk_lang pk_i18n_lang(void)
{
	pk_lang lang;
	if (pk_lang_parse(getenv("LANGUAGE"), &lang) == 0)
		return lang;
	return PK_LANG_EN;
}

const char *pk_lang_code(pk_lang lang)
{
	return (unsigned)lang < PK_LANG__COUNT ? lang_codes[lang] : lang_codes[PK_LANG_EN];
}

static int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* The language part of one locale name or LANGUAGE entry, [start, end). */
static int parse_one(const char *s, size_t n, pk_lang *out)
{
	size_t k = 0;
	while (k < n && s[k] != '_' && s[k] != '.' && s[k] != '@' && s[k] != '-')
		k++;
	for (int i = 0; i < PK_LANG__COUNT; i++) {
		const char *c = lang_codes[i];
		if (strlen(c) == k && ascii_lower((unsigned char)s[0]) == c[0] &&
		    ascii_lower((unsigned char)s[1]) == c[1]) {
			if (out)
				*out = (pk_lang)i;
			return 0;
		}
	}
	return -1;
}

int pk_lang_parse(const char *text, pk_lang *out)
{
	if (!text)
		return -1;
	size_t n = strcspn(text, ":");
	return parse_one(text, n, out);
}

pk_lang pk_lang_from_env(void)
{
	pk_lang lang;
	/* LANGUAGE is a priority list: the first entry we have wins. */
	const char *list = getenv("LANGUAGE");
	while (list && *list) {
		size_t n = strcspn(list, ":");
		if (n > 0 && parse_one(list, n, &lang) == 0)
			return lang;
		list += n;
		if (*list == ':')
			list++;
	}
	/* Otherwise the locale that decides messages, by POSIX precedence. */
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return pk_lang_parse(v, &lang) == 0 ? lang : PK_LANG_EN;
	}
	return PK_LANG_EN;
}

pk_lang pk_lang_next(pk_lang lang)
{
	if ((unsigned)lang >= PK_LANG__COUNT)
		return PK_LANG_EN;
	return (pk_lang)((lang + 1) % PK_LANG__COUNT);
}
