#!/usr/bin/env bash
# Catalogues: every message of the current sources is translated in every
# po/<lang>.po, none fuzzy, and msgfmt --check accepts each file (format
# strings must match). Fails with the list of what is missing.
set -euo pipefail
src=${PK_SOURCE_DIR:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$src"
mapfile -t files < <(find src -name '*.[ch]' | sort)
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
  --keyword=ngettext:1,2 --keyword=NP_:1,2 --keyword=NC_:1c,2 -o "$tmp/cur.pot" "${files[@]}"
langs=(my hi)
fail=0
for lang in "${langs[@]}"; do
  po=po/$lang.po
  if [ ! -f "$po" ]; then echo "missing $po"; fail=1; continue; fi
  if ! msgfmt --check --check-format -o /dev/null "$po" 2>"$tmp/err"; then
    echo "msgfmt --check rejects $po:"; cat "$tmp/err"; fail=1
  fi
  # Merge the current template into a copy: what is new shows as untranslated.
  msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "$po" "$tmp/cur.pot"
  stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  echo "$lang: $stats"
  if echo "$stats" | grep -Eq 'fuzzy|untranslated'; then
    echo "$lang: untranslated or fuzzy messages:"
    { msgattrib --untranslated "$tmp/$lang.po"; msgattrib --only-fuzzy "$tmp/$lang.po"; } |
      grep '^msgid ' | grep -v '^msgid ""$' | head -60
    fail=1
  fi
done
[ $fail -eq 0 ] && echo "catalogues complete"
exit $fail
