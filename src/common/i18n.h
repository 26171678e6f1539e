/* i18n.h - gettext set-up and run-time language switching.
 * Every user-visible string is wrapped in _() (or N_() where it is a
 * static initializer, translated with _() at use).  English is the source
 * language; catalogues exist for "my" (Burmese) and "hi" (Hindi). */
#ifndef PK_I18N_H
#define PK_I18N_H

#include <libintl.h>

#define PK_TEXTDOMAIN "paykiosk"
#define _(s) gettext(s)
#define N_(s) (s)
/* A singular/plural pair for a static table, translated later with
 * ngettext(t.one, t.many, n) (xgettext keyword NP_:1,2). */
#define NP_(one, many) one, many

typedef enum pk_lang { PK_LANG_EN = 0, PK_LANG_MY, PK_LANG_HI, PK_LANG__COUNT } pk_lang;

/* setlocale(LC_ALL, ""), falling back to C.UTF-8 when the environment's
 * locale is C/POSIX or not UTF-8 (gettext ignores LANGUAGE under "C");
 * binds the text domains to, in order: $PAYKIOSK_LOCALEDIR, the build tree's
 * locale dir (next to the running binary: <exe dir>/locale), the installed
 * PK_LOCALEDIR.  A language's catalogue is <dir>/<lang>/LC_MESSAGES/
 * paykiosk-<lang>.mo (the build installs each also as paykiosk.mo).  Sets
 * LANGUAGE once, to every language with pk_lang_from_env()'s first, and
 * starts in that language.  The only call here that writes the environment:
 * call it before any thread exists.  Returns 0, or -1 if no UTF-8 locale at
 * all could be set. */
int pk_i18n_init(void);
/* Switch the catalogue used by gettext right now.  Thread-safe against
 * gettext and getenv in other threads (it selects the language's text domain
 * with textdomain(); the environment is never touched after pk_i18n_init).
 * Switch from one thread (the UI's). */
void pk_i18n_set_lang(pk_lang lang);
pk_lang pk_i18n_lang(void);
/* "en", "my", "hi" */
const char *pk_lang_code(pk_lang lang);
/* Parse "en"/"my"/"hi" (also "my_MM.UTF-8", "hi_IN", "en_US:..."). 0 or -1. */
int pk_lang_parse(const char *text, pk_lang *out);
/* The default from LANGUAGE / LC_ALL / LC_MESSAGES / LANG, else English. */
pk_lang pk_lang_from_env(void);
pk_lang pk_lang_next(pk_lang lang); /* en -> my -> hi -> en */

#endif
