/* i18n: the kiosk switches language at run time even when only C.UTF-8 is
 * installed, with catalogues found through PAYKIOSK_LOCALEDIR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
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

static void make_catalogue(const char *root, const char *lang, const char *translation)
{
	char path[256], po[256], cmd[800];
	snprintf(path, sizeof path, "%s/%s", root, lang);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/%s/LC_MESSAGES", root, lang);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(po, sizeof po, "%s/%s.po", root, lang);
	char text[600];
	snprintf(text, sizeof text,
		 "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
		 "msgid \"" MSG_EMPTY "\"\nmsgstr \"%s\"\n", translation);
	write_file(po, text);
	snprintf(cmd, sizeof cmd, "msgfmt -o '%s/paykiosk.mo' '%s'", path, po);
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
	make_catalogue(fx->dir, "my", MY_EMPTY);
	make_catalogue(fx->dir, "hi", HI_EMPTY);
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

	pk_i18n_set_lang(PK_LANG_MY);
	assert_int_equal(pk_i18n_lang(), PK_LANG_MY);
	assert_string_equal(_(MSG_EMPTY), MY_EMPTY);
	assert_string_equal(empty_key1_message(), MY_EMPTY);

	pk_i18n_set_lang(PK_LANG_HI);
	assert_int_equal(pk_i18n_lang(), PK_LANG_HI);
	assert_string_equal(empty_key1_message(), HI_EMPTY);

	pk_i18n_set_lang(PK_LANG_EN);
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
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
		cmocka_unit_test(test_switch_language_under_c_locale),
		cmocka_unit_test(test_unset_locale_falls_back),
		cmocka_unit_test(test_messages_category_c),
		cmocka_unit_test(test_locale_dir_without_env),
		cmocka_unit_test(test_lang_parse),
		cmocka_unit_test(test_lang_from_env),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
