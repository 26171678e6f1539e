/* i18n.c - gettext set-up and run-time language switching.
 *
 * The current language is gettext's default text domain, one domain per
 * language: "paykiosk-en", "paykiosk-my", "paykiosk-hi" (po/CMakeLists.txt
 * installs <lang>/LC_MESSAGES/paykiosk.mo also as paykiosk-<lang>.mo;
 * "paykiosk-en" has no catalogue, so English is the msgid itself).  The
 * environment is written once, in pk_i18n_init, before any thread exists:
 * LANGUAGE becomes the three codes, the start-up language first ("hi:en:my"),
 * so gettext searches every language's folder and finds each domain only in
 * its own.  A switch is textdomain(): glibc swaps the default domain, and
 * bumps its translation cache counter, under the write side of the lock
 * every gettext holds while it reads them (MT-Safe).  No state of ours: the
 * language lives in libc's gettext state, as it lived in the environment.
 *
 * Why not the environment any more: setenv is MT-Unsafe (const:env) and
 * getenv walks `environ` with no lock, yet libcurl's threaded resolver runs
 * getaddrinfo (RES_OPTIONS, LOCALDOMAIN, ...) on its own thread while the
 * cashier presses `*`.  setenv("LANGUAGE") publishes a freshly allocated
 * "LANGUAGE=xx" into `environ` with a plain store (and reallocates the array
 * when it adds a variable), and ++_nl_msg_cat_cntr was an unlocked write to
 * a glibc-internal int every gettext reads.  Measured with 2000 switches
 * against a getenv/getaddrinfo/gettext thread (test_i18n.c, glibc 2.36):
 *   setenv + counter    helgrind: the counter write against gettext in the
 *                       other thread (every switch), getenv's strncmp against
 *                       setenv's new string; ThreadSanitizer: a reader of
 *                       LANGUAGE against setenv's malloc (some runs: it does
 *                       not see libc's own stores);
 *   same string, bytes  never reallocates, but the two-byte write is still a
 *   rewritten in place  race with any reader of the value (ThreadSanitizer
 *                       flags it), keeps the private counter, and needs a
 *                       string that outlives everything;
 *   uselocale()         needs the my/hi locales, which a C.UTF-8 kiosk lacks;
 *   textdomain()        ThreadSanitizer and AddressSanitizer clean.
 * A cached gettext costs the same in all of them (30-45 ns), a switch with
 * its first lookup ~0.3 us. */
#include "i18n.h"

#include "common/exepath.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const lang_codes[PK_LANG__COUNT] = {
	[PK_LANG_EN] = "en",
	[PK_LANG_MY] = "my",
	[PK_LANG_HI] = "hi",
};

/* The domain that is the language (see the top of the file). */
static const char *const lang_domains[PK_LANG__COUNT] = {
	[PK_LANG_EN] = PK_TEXTDOMAIN "-en",
	[PK_LANG_MY] = PK_TEXTDOMAIN "-my",
	[PK_LANG_HI] = PK_TEXTDOMAIN "-hi",
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
		if (pk_exe_path("locale", exedir, sizeof exedir) == 0 && is_dir(exedir))
			dir = exedir;
		else
			dir = PK_LOCALEDIR;
	}
	/* The plain domain too: the catalogues keep their usual name. */
	bindtextdomain(PK_TEXTDOMAIN, dir);
	bind_textdomain_codeset(PK_TEXTDOMAIN, "UTF-8");
	for (int i = 0; i < PK_LANG__COUNT; i++) {
		bindtextdomain(lang_domains[i], dir);
		bind_textdomain_codeset(lang_domains[i], "UTF-8");
	}

	/* The one write to the environment (no thread exists yet): every
	 * language's folder in LANGUAGE, the start-up language first, so that
	 * pk_lang_from_env() still answers what it did before.  Left alone
	 * when it already says so (pk_i18n_init called again). */
	pk_lang start = pk_lang_from_env();
	char list[3 * PK_LANG__COUNT];
	int used = snprintf(list, sizeof list, "%s", lang_codes[start]);
	for (int i = 0; i < PK_LANG__COUNT; i++)
		if (i != (int)start)
			used += snprintf(list + used, sizeof list - (size_t)used, ":%s",
					 lang_codes[i]);
	const char *now = getenv("LANGUAGE");
	if (!now || strcmp(now, list) != 0)
		setenv("LANGUAGE", list, 1);
	pk_i18n_set_lang(start);
	return ok ? 0 : -1;
}

void pk_i18n_set_lang(pk_lang lang)
{
	/* MT-Safe in glibc: the default domain is swapped (and the cache
	 * counter bumped) under the lock every gettext holds while it reads
	 * them.  The environment is not touched. */
	textdomain(lang_domains[(unsigned)lang < PK_LANG__COUNT ? lang : PK_LANG_EN]);
}

pk_lang pk_i18n_lang(void)
{
	/* textdomain(NULL): the current default domain, read right here (a
	 * later switch frees that string). */
	const char *domain = textdomain(NULL);
	for (int i = 0; domain && i < PK_LANG__COUNT; i++)
		if (strcmp(domain, lang_domains[i]) == 0)
			return (pk_lang)i;
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
