#!/usr/bin/env python3
"""dual-picture.py - README's picture of both screens of the two-screen
session, side by side, from the screenshot suite's PNGs (tests/screens.sh
keeps them in $PK_BUILD_DIR/screens/<lang>/):

    dual-picture.py CASHIER.png CUSTOMER.png OUT.png [WIDTH]

Each screen scaled to WIDTH/2 px wide (default 1280 in all), a gap
between them, 64 colours (the terminal has few): a small PNG.
"""
import sys

from PIL import Image


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    width = int(sys.argv[4]) if len(sys.argv) == 5 else 1280
    gap = 16
    shots = [Image.open(p).convert("RGB") for p in sys.argv[1:3]]
    half = (width - gap) // 2
    shots = [s.resize((half, round(s.height * half / s.width)), Image.LANCZOS) for s in shots]
    h = max(s.height for s in shots)
    out = Image.new("RGB", (2 * half + gap, h), (255, 255, 255))
    out.paste(shots[0], (0, 0))
    out.paste(shots[1], (half + gap, 0))
    out.quantize(colors=64, dither=Image.NONE).save(sys.argv[3], optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
