/* i18n: the kiosk switches language at run time even when only C.UTF-8 is
 * installed, with catalogues found through PAYKIOSK_LOCALEDIR; a switch never
 * writes the environment, so it is safe while another thread (libcurl's
 * threaded resolver) runs getenv()/getaddrinfo(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/i18n.h"
#include "common/txid.h"

#define MSG_EMPTY "Enter the transaction ID"
#define MY_EMPTY "ငွေလွှဲနံပါတ် ထည့်ပါ"
#define HI_EMPTY "लेनदेन आईडी दर्ज करें"
#define MSG_SALE "%d sale"
#define MSG_SALES "%d sales"
#define MY_SALES "အရောင်း %d ခု"
#define HI_SALES "%d बिक्री"

extern char **environ;

struct fixture {
	char dir[64];
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* <root>/<lang>/LC_MESSAGES/paykiosk.mo and, as the build installs it, the
 * same file as paykiosk-<lang>.mo (the language's own text domain). */
static void make_catalogue(const char *root, const char *lang, const char *translation,
			   const char *plural_forms, const char *sales0, const char *sales1)
{
	char path[256], po[256], cmd[1400];
	snprintf(path, sizeof path, "%s/%s", root, lang);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/%s/LC_MESSAGES", root, lang);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(po, sizeof po, "%s/%s.po", root, lang);
	char text[1000], plural[200];
	if (sales1)
		snprintf(plural, sizeof plural, "msgstr[0] \"%s\"\nmsgstr[1] \"%s\"\n", sales0,
			 sales1);
	else
		snprintf(plural, sizeof plural, "msgstr[0] \"%s\"\n", sales0);
	snprintf(text, sizeof text,
		 "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n"
		 "\"Plural-Forms: %s\\n\"\n\n"
		 "msgid \"" MSG_EMPTY "\"\nmsgstr \"%s\"\n\n"
		 "#, c-format\nmsgid \"%s\"\nmsgid_plural \"%s\"\n%s",
		 plural_forms, translation, MSG_SALE, MSG_SALES, plural);
	write_file(po, text);
	snprintf(cmd, sizeof cmd,
		 "msgfmt -o '%s/paykiosk.mo' '%s' && cp '%s/paykiosk.mo' '%s/paykiosk-%s.mo'", path,
		 po, path, path, lang);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/pk-i18n-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	make_catalogue(fx->dir, "my", MY_EMPTY, "nplurals=1; plural=0;", MY_SALES, NULL);
	make_catalogue(fx->dir, "hi", HI_EMPTY, "nplurals=2; plural=(n != 1);", HI_SALES, HI_SALES);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	int rc = system(cmd);
	free(fx);
	return rc == 0 ? 0 : -1;
}

static void clear_locale_env(void)
{
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANGUAGE");
	unsetenv("LANG");
}

static const char *empty_key1_message(void)
{
	static pk_error err; /* test scratch, returned to the caller */
	char out[16];
	assert_int_equal(pk_key1_normalise("", out, sizeof out, &err), -1);
	return err.msg;
}

static void test_switch_language_under_c_locale(void **state)
{
	struct fixture *fx = *state;
	clear_locale_env();
	setenv("LANG", "C", 1);
	setenv("PAYKIOSK_LOCALEDIR", fx->dir, 1);
	assert_int_equal(pk_i18n_init(), 0);
	/* the C locale was replaced by a UTF-8 one, else LANGUAGE is ignored */
	assert_string_equal(nl_langinfo(CODESET), "UTF-8");
	assert_string_equal(bindtextdomain(PK_TEXTDOMAIN, NULL), fx->dir);
	assert_string_equal(bindtextdomain(PK_TEXTDOMAIN "-my", NULL), fx->dir);
	assert_string_equal(bindtextdomain(PK_TEXTDOMAIN "-hi", NULL), fx->dir);
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN); /* nothing asked: English */

	pk_i18n_set_lang(PK_LANG_MY);
	assert_int_equal(pk_i18n_lang(), PK_LANG_MY);
	assert_string_equal(_(MSG_EMPTY), MY_EMPTY);
	assert_string_equal(empty_key1_message(), MY_EMPTY);

	pk_i18n_set_lang(PK_LANG_HI);
	assert_int_equal(pk_i18n_lang(), PK_LANG_HI);
	assert_string_equal(empty_key1_message(), HI_EMPTY);
	assert_string_equal(ngettext(MSG_SALE, MSG_SALES, 3), HI_SALES);

	pk_i18n_set_lang(PK_LANG_EN);
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
	assert_string_equal(ngettext(MSG_SALE, MSG_SALES, 1), MSG_SALE);
	assert_string_equal(ngettext(MSG_SALE, MSG_SALES, 3), MSG_SALES);
	assert_string_equal(empty_key1_message(), MSG_EMPTY);

	/* and back again: the cache flush works in both directions */
	pk_i18n_set_lang(PK_LANG_MY);
	assert_string_equal(empty_key1_message(), MY_EMPTY);
	pk_i18n_set_lang(PK_LANG_EN);
	/* untranslated strings stay English */
	assert_string_equal(_("Transaction ID: digits only"), "Transaction ID: digits only");
}

static void test_unset_locale_falls_back(void **state)
{
	struct fixture *fx = *state;
	clear_locale_env();
	setenv("LC_ALL", "xx_NOWHERE.UTF-8", 1); /* not installed */
	setenv("PAYKIOSK_LOCALEDIR", fx->dir, 1);
	assert_int_equal(pk_i18n_init(), 0);
	assert_string_equal(nl_langinfo(CODESET), "UTF-8");
	pk_i18n_set_lang(PK_LANG_HI);
	assert_string_equal(empty_key1_message(), HI_EMPTY);
	pk_i18n_set_lang(PK_LANG_EN);
	clear_locale_env();
}

static void test_messages_category_c(void **state)
{
	struct fixture *fx = *state;
	clear_locale_env();
	setenv("LANG", "C.UTF-8", 1);
	setenv("LC_MESSAGES", "C", 1); /* gettext would ignore LANGUAGE */
	setenv("PAYKIOSK_LOCALEDIR", fx->dir, 1);
	assert_int_equal(pk_i18n_init(), 0);
	pk_i18n_set_lang(PK_LANG_MY);
	assert_string_equal(empty_key1_message(), MY_EMPTY);
	pk_i18n_set_lang(PK_LANG_EN);
	clear_locale_env();
}

static void test_locale_dir_without_env(void **state)
{
	(void)state;
	clear_locale_env();
	unsetenv("PAYKIOSK_LOCALEDIR");
	assert_int_equal(pk_i18n_init(), 0);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	char want[PATH_MAX + 16];
	snprintf(want, sizeof want, "%s/locale", exe);
	struct stat st;
	const char *expect = (stat(want, &st) == 0 && S_ISDIR(st.st_mode)) ? want : PK_LOCALEDIR;
	assert_string_equal(bindtextdomain(PK_TEXTDOMAIN, NULL), expect);
}

/* pk_i18n_init starts in the language the environment asks for and leaves
 * LANGUAGE saying the same to pk_lang_from_env() (which the configuration
 * reads after it), with every language's folder listed. */
static void test_init_keeps_env_language(void **state)
{
	struct fixture *fx = *state;
	clear_locale_env();
	setenv("LANG", "hi_IN.UTF-8", 1); /* not installed: C.UTF-8, Hindi messages */
	setenv("PAYKIOSK_LOCALEDIR", fx->dir, 1);
	assert_int_equal(pk_i18n_init(), 0);
	assert_int_equal(pk_i18n_lang(), PK_LANG_HI);
	assert_int_equal(pk_lang_from_env(), PK_LANG_HI);
	assert_string_equal(getenv("LANGUAGE"), "hi:en:my");
	assert_string_equal(empty_key1_message(), HI_EMPTY);

	setenv("LANGUAGE", "fr:my:hi", 1); /* the first entry known wins */
	assert_int_equal(pk_i18n_init(), 0);
	assert_int_equal(pk_i18n_lang(), PK_LANG_MY);
	assert_string_equal(getenv("LANGUAGE"), "my:en:hi");
	assert_int_equal(pk_lang_from_env(), PK_LANG_MY);
	assert_string_equal(_(MSG_EMPTY), MY_EMPTY);

	setenv("LANGUAGE", "de", 1); /* nothing known: the locale decides, */
	setenv("LC_ALL", "fr_FR.UTF-8", 1); /* and French is not ours: English */
	assert_int_equal(pk_i18n_init(), 0);
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
	assert_string_equal(getenv("LANGUAGE"), "en:my:hi");
	assert_string_equal(_(MSG_EMPTY), MSG_EMPTY);
	/* a second init changes nothing, not even the environment's string */
	const char *before = getenv("LANGUAGE");
	assert_int_equal(pk_i18n_init(), 0);
	assert_ptr_equal(getenv("LANGUAGE"), before);
	pk_i18n_set_lang(PK_LANG_EN);
	clear_locale_env();
}

/* What libcurl's threaded resolver does while the cashier presses `*`:
 * getenv() (an unlocked walk of environ in glibc) and getaddrinfo(), plus an
 * environment walk and a read of LANGUAGE's value in this file's own
 * (sanitizer-instrumented) code, and a gettext. */
struct reader {
	atomic_bool stop;
	atomic_ulong rounds;
	unsigned long resolved; /* read after the join */
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	char seen[32];
	while (!atomic_load(&r->stop)) {
		const char *v = getenv("LANGUAGE");
		snprintf(seen, sizeof seen, "%s", v ? v : "");
		for (char **e = environ; *e; e++)
			if (strncmp(*e, "LANGUAGE=", 9) == 0) {
				snprintf(seen, sizeof seen, "%s", *e + 9);
				break;
			}
		const char *volatile path = getenv("PATH"); /* as a library would */
		(void)path;
		(void)gettext(MSG_EMPTY); /* in whichever language is current */
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
		if (getaddrinfo("localhost", "80", &hints, &ai) == 0) {
			r->resolved++;
			freeaddrinfo(ai);
		}
		atomic_fetch_add(&r->rounds, 1);
	}
	return NULL;
}

static void test_switch_while_resolving(void **state)
{
	struct fixture *fx = *state;
	clear_locale_env();
	setenv("LANG", "C.UTF-8", 1);
	setenv("PAYKIOSK_LOCALEDIR", fx->dir, 1);
	/* before any thread, as main() does: init, then the configured language */
	assert_int_equal(pk_i18n_init(), 0);
	pk_i18n_set_lang(PK_LANG_HI);
	char **environ_before = environ;
	const char *language_before = getenv("LANGUAGE");
	assert_non_null(language_before);
	char language_copy[32];
	snprintf(language_copy, sizeof language_copy, "%s", language_before);

	static const char *const want[PK_LANG__COUNT] = { MSG_EMPTY, MY_EMPTY, HI_EMPTY };
	static const char *const want_sales[PK_LANG__COUNT] = { MSG_SALES, MY_SALES, HI_SALES };
	struct reader r = { .resolved = 0 };
	atomic_init(&r.stop, false);
	atomic_init(&r.rounds, 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, reader_main, &r), 0);
	while (atomic_load(&r.rounds) == 0)
		sched_yield();
	/* 2000 switches, and on until the reader has been round 100 times (a
	 * slow resolver or a sanitizer), bounded */
	unsigned long switches = 0, wrong = 0, env_written = 0;
	pk_lang lang = pk_i18n_lang();
	while (switches < 2000 || (atomic_load(&r.rounds) < 100 && switches < 200000)) {
		lang = pk_lang_next(lang);
		pk_i18n_set_lang(lang);
		switches++;
		if (pk_i18n_lang() != lang || strcmp(_(MSG_EMPTY), want[lang]) != 0 ||
		    strcmp(ngettext(MSG_SALE, MSG_SALES, 5), want_sales[lang]) != 0)
			wrong++;
		if (environ != environ_before || getenv("LANGUAGE") != language_before)
			env_written++;
	}
	atomic_store(&r.stop, true);
	assert_int_equal(pthread_join(th, NULL), 0);
	print_message("%lu switches, %lu reader rounds (%lu resolved)\n", switches,
		      (unsigned long)atomic_load(&r.rounds), r.resolved);
	assert_int_equal(wrong, 0);
	assert_true(atomic_load(&r.rounds) >= 1);
	/* the environment was not touched: same array, same string, same text */
	assert_int_equal(env_written, 0);
	assert_ptr_equal(environ, environ_before);
	assert_ptr_equal(getenv("LANGUAGE"), language_before);
	assert_string_equal(getenv("LANGUAGE"), language_copy);
	pk_i18n_set_lang(PK_LANG_EN);
	clear_locale_env();
}

static void test_lang_parse(void **state)
{
	(void)state;
	pk_lang l = PK_LANG__COUNT;
	assert_int_equal(pk_lang_parse("en", &l), 0);
	assert_int_equal(l, PK_LANG_EN);
	assert_int_equal(pk_lang_parse("my", &l), 0);
	assert_int_equal(l, PK_LANG_MY);
	assert_int_equal(pk_lang_parse("hi", &l), 0);
	assert_int_equal(l, PK_LANG_HI);
	assert_int_equal(pk_lang_parse("my_MM.UTF-8", &l), 0);
	assert_int_equal(l, PK_LANG_MY);
	assert_int_equal(pk_lang_parse("hi_IN", &l), 0);
	assert_int_equal(l, PK_LANG_HI);
	assert_int_equal(pk_lang_parse("en_US.UTF-8", &l), 0);
	assert_int_equal(l, PK_LANG_EN);
	assert_int_equal(pk_lang_parse("hi:en", &l), 0);
	assert_int_equal(l, PK_LANG_HI);
	assert_int_equal(pk_lang_parse("MY", &l), 0);
	assert_int_equal(l, PK_LANG_MY);
	l = PK_LANG_HI;
	assert_int_equal(pk_lang_parse("fr", &l), -1);
	assert_int_equal(pk_lang_parse("C", &l), -1);
	assert_int_equal(pk_lang_parse("C.UTF-8", &l), -1);
	assert_int_equal(pk_lang_parse("", &l), -1);
	assert_int_equal(pk_lang_parse("eng", &l), -1);
	assert_int_equal(pk_lang_parse("m", &l), -1);
	assert_int_equal(pk_lang_parse(":hi", &l), -1);
	assert_int_equal(pk_lang_parse(NULL, &l), -1);
	assert_int_equal(l, PK_LANG_HI);

	assert_string_equal(pk_lang_code(PK_LANG_EN), "en");
	assert_string_equal(pk_lang_code(PK_LANG_MY), "my");
	assert_string_equal(pk_lang_code(PK_LANG_HI), "hi");
	assert_int_equal(pk_lang_next(PK_LANG_EN), PK_LANG_MY);
	assert_int_equal(pk_lang_next(PK_LANG_MY), PK_LANG_HI);
	assert_int_equal(pk_lang_next(PK_LANG_HI), PK_LANG_EN);
}

static void test_lang_from_env(void **state)
{
	(void)state;
	clear_locale_env();
	assert_int_equal(pk_lang_from_env(), PK_LANG_EN);
	setenv("LANG", "hi_IN.UTF-8", 1);
	assert_int_equal(pk_lang_from_env(), PK_LANG_HI);
	setenv("LC_MESSAGES", "my_MM.UTF-8", 1);
	assert_int_equal(pk_lang_from_env(), PK_LANG_MY);
	setenv("LC_ALL", "fr_FR.UTF-8", 1); /* LC_ALL wins, and is unknown */
	assert_int_equal(pk_lang_from_env(), PK_LANG_EN);
	setenv("LC_ALL", "", 1);           /* empty means unset */
	assert_int_equal(pk_lang_from_env(), PK_LANG_MY);
	setenv("LANGUAGE", "fr:hi:my", 1); /* first known entry of the list */
	assert_int_equal(pk_lang_from_env(), PK_LANG_HI);
	setenv("LANGUAGE", "de", 1);       /* nothing known: the locale decides */
	assert_int_equal(pk_lang_from_env(), PK_LANG_MY);
	clear_locale_env();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: a process whose environment no earlier test has written */
		cmocka_unit_test(test_switch_while_resolving),
		cmocka_unit_test(test_switch_language_under_c_locale),
		cmocka_unit_test(test_unset_locale_falls_back),
		cmocka_unit_test(test_messages_category_c),
		cmocka_unit_test(test_locale_dir_without_env),
		cmocka_unit_test(test_init_keeps_env_language),
		cmocka_unit_test(test_lang_parse),
		cmocka_unit_test(test_lang_from_env),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
