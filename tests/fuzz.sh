#!/usr/bin/env bash
# fuzz.sh - libFuzzer harnesses (tests/fuzz/fuzz_*.c) for every parser of
# untrusted input: gateway answers, amounts, transaction/account IDs, the
# config file, the sandbox's request validation.  Built with clang
# -fsanitize=fuzzer,address,undefined straight from the module sources,
# then each is run for a fixed number of inputs from its seed corpus
# (tests/fuzz/corpus/<name>/).  A crash, leak or sanitizer report fails.
#   bash tests/fuzz.sh                      # the short run (CTest)
#   bash tests/fuzz.sh --long NAME SECONDS  # one harness for a long time
set -euo pipefail
src=${PK_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
out=${PK_BUILD_DIR:-$src/build}/fuzz
runs=${PK_FUZZ_RUNS:-20000}
mkdir -p "$out"
cd "$src"
command -v clang >/dev/null || { echo "fuzz: clang is missing (apt-get install clang libclang-rt-14-dev)"; exit 1; }

defs=(-D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE '-DPK_VERSION="fuzz"' '-DPK_LOCALEDIR="/nonexistent"' -Isrc)
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
common=(src/common/*.c)
declare -A srcs=(
	[gateway_parse]="src/gateway/parse.c src/gateway/request.c"
	[money]=""
	[txid]=""
	[config]=""
	[postback]=""
	[sandbox_request]="src/sandbox/sandbox_api.c src/sandbox/sandbox_png.c src/sandbox/sandbox_postback.c"
)
declare -A libs=(
	[gateway_parse]="libcjson"
	[sandbox_request]="libcjson libqrencode libcurl"
)

build() { # build NAME -> $out/NAME (rebuilt only when a source is newer)
	local name=$1 bin=$out/fuzz_$1 files f newer=0
	files=("tests/fuzz/fuzz_$name.c" "${common[@]}" ${srcs[$name]})
	for f in "${files[@]}" src/*/*.h; do [ "$f" -nt "$bin" ] && newer=1; done
	[ -x "$bin" ] && [ $newer = 0 ] && return 0
	local pc=()
	[ -n "${libs[$name]:-}" ] && read -r -a pc <<<"$(pkg-config --cflags --libs ${libs[$name]})"
	clang "${flags[@]}" "${defs[@]}" "${files[@]}" "${pc[@]}" -lcrypt $(pkg-config --libs libcrypto) -lpthread -lm -o "$bin"
}

run() { # run NAME ARGS...: over a copy of the seed corpus
	local name=$1; shift
	local corpus=$out/corpus-$name
	rm -rf "$corpus"; mkdir -p "$corpus"
	cp tests/fuzz/corpus/$name/* "$corpus"/ 2>/dev/null || true
	local log=$out/$name.log
	if ! (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "$out/fuzz_$name" -max_len=4096 "$@" "$corpus" >"$log" 2>&1); then
		echo "fuzz: $name FAILED"; tail -n 40 "$log"; return 1
	fi
	local last
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	echo "fuzz: $name ok: $last"
}

if [ "${1:-}" = --long ]; then
	build "$2"; run "$2" -max_total_time="${3:-600}"; exit
fi
status=0
for name in gateway_parse money txid config postback sandbox_request; do
	build "$name"
	run "$name" -runs="$runs" || status=1
done
exit $status
