#!/usr/bin/env bash
# ui_layers: the screens (src/ui, the pk_ui target) cannot reach past the
# sale controller.  pk_ui is compiled with only $PK_UI_VIEW on its include
# path (common, layout, model, sale, receipt, ui): a screen that includes
# journal/ or gateway/ - directly, or through a header that drags them in
# such as sale/flow_priv.h - does not compile.  The check compiles with the
# same include path, so it fails if the view ever grows those folders.
set -uo pipefail
: "${PK_CC:?}" "${PK_UI_VIEW:?}" "${PK_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
try() { # try EXPECT(ok|refused) HEADER
	printf '#include "%s"\nint pk_layer_probe;\n' "$2" > "$tmp/probe.c"
	if "$PK_CC" -std=c11 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -fsyntax-only \
		-I "$PK_UI_VIEW" "$tmp/probe.c" 2>"$tmp/err"; then
		got=ok
	else
		got=refused
	fi
	if [ "$got" = "$1" ]; then
		echo "ok: a screen including $2 is $got"
	else
		echo "FAIL: a screen including $2 is $got, want $1"; sed 's/^/    /' "$tmp/err"
		fails=$((fails + 1))
	fi
}
# what a screen may use
try ok ui/app.h
try ok sale/flow.h
try ok sale/report.h
try ok model/record.h
try ok receipt/receipt.h
# what it may not
try refused journal/journal.h
try refused gateway/gateway.h
try refused sale/flow_priv.h
# and no screen tries (a direct look at the sources, for the message)
if grep -rnE '#include "(journal|gateway)/' "$PK_SOURCE_DIR/src/ui"; then
	echo "FAIL: src/ui includes journal/ or gateway/"
	fails=$((fails + 1))
fi
echo "$((8 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
