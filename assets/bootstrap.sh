#!/usr/bin/env bash
# paykiosk set-up: the README's two commands.
#   bash assets/bootstrap.sh run    install what is missing, build, start the kiosk
#                                   in training mode against the embedded sandbox
#   bash assets/bootstrap.sh test   the same set-up, then every test (CTest), also
#                                   under AddressSanitizer + UndefinedBehaviorSanitizer
#   bash assets/bootstrap.sh package  the Debian package for a counter terminal
# Idempotent: packages already installed are not touched, builds are incremental.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
mode=${1:-run}
shift || true
jobs=$(nproc 2>/dev/null || echo 2)

build_pkgs=(build-essential cmake pkg-config gettext
  libncurses-dev libcurl4-openssl-dev libcjson-dev libqrencode-dev
  libsqlite3-dev libmicrohttpd-dev libcmocka-dev libcrypt-dev
  libharfbuzz-dev libfreetype-dev libssl-dev libpq-dev libsixel-dev libfontconfig-dev
  fonts-noto-core fonts-noto-mono fonts-sil-padauk fonts-lohit-deva fonts-dejavu-core)
test_pkgs=(tmux curl zbar-tools sqlite3 valgrind clang libclang-rt-14-dev
  qrencode python3-qrcode hyperfine time openssl groff-base man-db systemd
  postgresql-15 lintian python3
  cage sway foot grim tesseract-ocr tesseract-ocr-eng tesseract-ocr-mya tesseract-ocr-hin
  libharfbuzz-bin libsixel-bin xwayland python3-pil)

say() { printf '== %s\n' "$*" >&2; }

install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    say "not root: run as root (or install these packages yourself): ${missing[*]}"
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() { # build <dir> [cmake args...]
  local dir=$1; shift
  if [ ! -f "$dir/CMakeCache.txt" ] || ! grep -q '^PK_WERROR:BOOL=ON' "$dir/CMakeCache.txt"; then
    # development and CI builds: warnings are errors
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPK_WERROR=ON "$@" >/dev/null
  fi
  cmake --build "$dir" -j"$jobs"
}

case "$mode" in
run)
  install_missing "${build_pkgs[@]}"
  build build
  if [ ! -t 0 ] || [ ! -t 1 ]; then
    say "built build/paykiosk; it needs a terminal to run (start it from one)"
    exit 0
  fi
  exec build/paykiosk --training "$@"
  ;;
test)
  install_missing "${build_pkgs[@]}" "${test_pkgs[@]}"
  build build
  say "test suite (build/)"
  ctest --test-dir build --output-on-failure -j"$jobs" "$@"
  build build-asan -DPK_SANITIZE=ON
  say "test suite under AddressSanitizer + UBSan (build-asan/)"
  ctest --test-dir build-asan --output-on-failure -j"$jobs" "$@"
  say "all tests passed"
  ;;
package)
  # The Debian package for a counter terminal: build/paykiosk_<version>_<arch>.deb
  install_missing "${build_pkgs[@]}"
  build build
  cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr >/dev/null # the .deb installs under /usr
  cmake --build build -j"$jobs"
  (cd build && cpack -G DEB --config CPackConfig.cmake >/dev/null)
  say "built: $(ls build/paykiosk_*.deb) (install it with: apt-get install -y ./build/paykiosk_*.deb)"
  ;;
*)
  echo "usage: bash assets/bootstrap.sh run|test|package" >&2
  exit 2
  ;;
esac
