#!/usr/bin/env python3
"""judge.py - reads the kiosk's screenshots back with Tesseract OCR and
compares each text run with what the kiosk meant to draw.

    judge.py --manifest M --out DIR --cache DIR [--selftest] [--name NAME]
    judge.py --shows FRAME PPM CELL_W CELL_H      (exit 0: it shows the frame)

The manifest (tests/screens/lib.sh, snap) has one screenshot a line:
    lang  label  shot.ppm  shot.frame  cell_w  cell_h  qr_data|-
where shot.frame is the test hook's record of the frame the screenshot
shows ("frame ... size=ROWSxCOLS", "run ROW COL WIDTH TEXT" lines).

For every run of at least three grapheme clusters with a letter or digit:
  - the run's cells are cropped (cell -> pixel: foot's cell size from its
    log, checked against the screenshot's size and the kiosk's rows and
    columns, and by reading an English ASCII run back), made black on white
    whatever the colours, scaled up to rows of about 60 px (a run that
    misses is read again at about 90 px, the better reading counts), and
    OCR'd: tesseract --psm 7 (one line), -l eng | mya+eng | hin+eng by the
    screen's language (mya, hin alone for a string without ASCII letters or digits);
  - the reference: the same string shaped by HarfBuzz (hb-view, 32 px, Noto
    Sans Myanmar / Noto Sans Devanagari / Noto Sans Mono for each script's
    stretch of the string, fonts found with fc-match) OCR'd the same way;
  - character accuracy = 1 - Levenshtein(ocr, expected) / len(expected),
    both NFC, every blank and zero-width character removed, "..." for the
    ellipsis, case and homoglyphs folded (l I | 1, O @ 0, Myanmar wa and
    zero);
  - the goal: accuracy >= 0.95, or at most 0.03 below the reference.
A UPI QR screen's code (and the customer display's) must scan (zbarimg)
and hold the sale's qr_data.

Writes DIR/<lang>/<label>.png (the screenshots), DIR/<lang>/miss/*.png (the
crops of the runs that miss the goal), DIR/accuracy.tsv and prints a
summary; exit status 1 if a run misses the goal or a check fails, 2 when
the instrument itself is wrong (geometry, a screenshot that does not show
its frame, the self-test).  OCR results are cached in the cache folder by
the exact pixels they were read from, references by string.

--selftest: the instrument must catch a broken rendering: English runs whose
neighbouring cells are swapped in the picture must read back below the goal.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata

from PIL import Image, ImageChops, ImageOps

PIPELINE = "screens-judge-2"  # bump when cropping or OCR settings change
GOAL = 0.95
REF_SLACK = 0.03
# Terminal crops are scaled to rows of 60 px and read; one that misses the
# goal is read again at rows of 45, 90 and 120 px, and the best reading
# counts: Tesseract's own noise at one size (a mixed Latin-Devanagari line
# read as Latin at one size and right at the next) is not the terminal's.
# Broken renderings stay far below the goal at every size (--selftest).
ROW_PX = (60, 45, 90, 120)
REF_PX = 32  # hb-view --font-size of the reference
LANGS = ("en", "my", "hi")
MODELS = {"my": "mya", "hi": "hin"}


def ocr_langs(lang, text):
    """Tesseract's models for a run: the screen language's (eng, mya+eng,
    hin+eng), without eng when the string has no ASCII letter or digit
    (Tesseract then reads a Devanagari or Burmese word as Latin now and
    then: a reader of the language would not), and eng alone for a run
    that is all ASCII, as a wallet number or an amount on a Hindi screen
    (hin+eng read such a random number's digits as Devanagari now and
    then, so whether a run passed depended on the sandbox's draw)."""
    if lang not in MODELS or text.isascii():
        return "eng"
    if any(c.isascii() and c.isalnum() for c in text):
        return MODELS[lang] + "+eng"
    return MODELS[lang]
QR_CHARS = set("\u2588\u2580\u2584")
VIRAMAS = {"\u094d", "\u1039"}
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


# ---- text ------------------------------------------------------------------

def clusters(text):
    """Grapheme clusters, close enough to UAX #29 for Devanagari and Myanmar:
    a base and its marks (Mn, Mc, Me: vowel signs, medials, asat, virama),
    joiners, and a consonant after a virama (a conjunct or a stacked
    consonant) form one cluster."""
    out = []
    after_virama = False
    for ch in text:
        cat = unicodedata.category(ch)
        joins = bool(out) and (cat in ("Mn", "Mc", "Me") or ch in ("\u200c", "\u200d")
                               or (after_virama and cat == "Lo"))
        if joins:
            out[-1] += ch
        else:
            out.append(ch)
        after_virama = ch in VIRAMAS
    return out


# Glyphs that are one shape to the OCR (and to a reader without context),
# compared after case folding (c C, p P, s S, u U ... differ only in size):
# Latin l, I, | and the digit 1, O and 0 (and Tesseract's "@" for Noto Sans
# Mono's dotted zero), the Myanmar letter wa and digit zero.  Random order
# IDs would otherwise make the score a lottery.
HOMOGLYPHS = str.maketrans({"l": "1", "i": "1", "|": "1", "o": "0", "@": "0",
                            "\u101d": "\u1040"})


def norm(text):
    """What accuracy is computed on: NFC, no blanks, no invisible joiners,
    homoglyphs folded."""
    t = unicodedata.normalize("NFC", text).replace("\u2026", "...").casefold().translate(HOMOGLYPHS)
    return "".join(c for c in "".join(t.split()) if c not in INVISIBLE)


def judged(text):
    """A run is judged when it has three clusters or more (blanks aside) and
    a letter or a digit; the QR's block characters never are."""
    t = "".join(text.split())
    if any(c in QR_CHARS for c in t):
        return False
    if not any(unicodedata.category(c)[0] in "LN" for c in t):
        return False
    return len(clusters(t)) >= 3


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def accuracy(ocr, expected):
    e = norm(expected)
    if not e:
        return 1.0
    return max(0.0, 1.0 - levenshtein(norm(ocr), e) / len(e))


def script_of(ch):
    o = ord(ch)
    if 0x1000 <= o <= 0x109F or 0xA9E0 <= o <= 0xA9FF or 0xAA60 <= o <= 0xAA7F:
        return "my"
    if 0x0900 <= o <= 0x097F or 0xA8E0 <= o <= 0xA8FF:
        return "hi"
    return "latn"


# ---- pictures --------------------------------------------------------------

def ink(img):
    """Black ink on white: each pixel's distance from the crop's most common
    colour (its background), stretched to the full range."""
    rgb = img.convert("RGB")
    colors = rgb.getcolors(rgb.width * rgb.height)
    bg = max(colors)[1]
    diff = ImageChops.difference(rgb, Image.new("RGB", rgb.size, bg))
    r, g, b = diff.split()
    d = ImageChops.lighter(ImageChops.lighter(r, g), b)
    return ImageOps.invert(ImageOps.autocontrast(d))


def has_ink(gray):
    lo, _ = gray.getextrema()
    return lo < 128


def prepare(gray, scale):
    if scale != 1:
        gray = gray.resize((round(gray.width * scale), round(gray.height * scale)), Image.LANCZOS)
    return ImageOps.expand(gray, border=24, fill=255)


def png_bytes(img):
    import io
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(300, 300))
    return buf.getvalue()


# ---- OCR -------------------------------------------------------------------

class Ocr:
    """tesseract on many images at once (one process per language and
    core), results cached by the exact image bytes."""

    def __init__(self, cache_dir):
        self.cache_dir = cache_dir
        os.makedirs(cache_dir, exist_ok=True)
        self.path = os.path.join(cache_dir, "ocr.json")
        try:
            with open(self.path, encoding="utf-8") as f:
                self.cache = json.load(f)
        except (OSError, ValueError):
            self.cache = {}
        v = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
        self.version = (v.stdout + v.stderr).splitlines()[0] if (v.stdout + v.stderr) else "?"
        self.queue = {}  # key -> (langs, png bytes)
        self.used = set()
        self.tmp = tempfile.mkdtemp(prefix="pk-ocr.")

    def key(self, langs, data):
        h = hashlib.sha256()
        for part in (PIPELINE, self.version, langs):
            h.update(part.encode())
            h.update(b"\0")
        h.update(data)
        return h.hexdigest()

    def ask(self, langs, data):
        k = self.key(langs, data)
        self.used.add(k)
        if k not in self.cache:
            self.queue[k] = (langs, data)
        return k

    def text(self, k):
        return self.cache.get(k, "")

    def _batch(self, langs, items):
        names = []
        for k, data in items:
            p = os.path.join(self.tmp, k + ".png")
            with open(p, "wb") as f:
                f.write(data)
            names.append(p)
        lst = os.path.join(self.tmp, hashlib.sha1("".join(names).encode()).hexdigest() + ".txt")
        with open(lst, "w") as f:
            f.write("\n".join(names) + "\n")
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        r = subprocess.run(["tesseract", lst, "stdout", "--psm", "7", "-l", langs],
                           capture_output=True, env=env)
        pages = r.stdout.decode("utf-8", "replace").split("\f")
        if r.returncode != 0 or len(pages) != len(items):
            # one at a time: slower, never misaligned
            pages = []
            for p in names:
                one = subprocess.run(["tesseract", p, "stdout", "--psm", "7", "-l", langs],
                                     capture_output=True, env=env)
                if one.returncode != 0:
                    raise RuntimeError("tesseract failed on %s: %s" % (p, one.stderr.decode()))
                pages.append(one.stdout.decode("utf-8", "replace"))
        return [(k, page.strip()) for (k, _), page in zip(items, pages)]

    def run(self):
        if not self.queue:
            return
        by_lang = {}
        for k, (langs, data) in self.queue.items():
            by_lang.setdefault(langs, []).append((k, data))
        jobs = []
        cores = max(1, min(4, os.cpu_count() or 1))
        for langs, items in by_lang.items():
            n = max(1, min(cores, len(items) // 8 or 1))
            for i in range(n):
                chunk = items[i::n]
                if chunk:
                    jobs.append((langs, chunk))
        with concurrent.futures.ThreadPoolExecutor(max_workers=cores) as ex:
            for res in ex.map(lambda j: self._batch(*j), jobs):
                for k, t in res:
                    self.cache[k] = t
        self.queue = {}
        save_cache(self.path, self.cache, self.used)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- the reference: HarfBuzz's own rendering -------------------------------

CACHE_MAX = 20000  # entries kept beyond those of this run (other configurations)


def save_cache(path, cache, used):
    """Write the cache: this run's entries, and older ones up to CACHE_MAX
    (order IDs and times make new strings every run)."""
    keep = {k: v for k, v in cache.items() if k in used}
    for k, v in cache.items():
        if len(keep) >= len(used) + CACHE_MAX:
            break
        keep.setdefault(k, v)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(keep, f, ensure_ascii=False, indent=0, sort_keys=True)
    os.replace(tmp, path)


def fc_file(family):
    r = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True)
    return r.stdout.strip()


NOTO = {"my": "Noto Sans Myanmar", "hi": "Noto Sans Devanagari", "latn": "Noto Sans Mono"}
SCRIPT_PROBE = {"my": "1000", "hi": "0915", "latn": "41"}  # a character of each script


def session_families(ini):
    """The fonts the terminal draws each script with: the first family of
    foot's font= list (in ini) that is installed and covers the script."""
    fams = []
    with open(ini, encoding="utf-8") as f:
        for line in f:
            if line.startswith("font="):
                fams = [x.split(":")[0].strip() for x in line[5:].split(",")]
    out = {}
    for script, probe in SCRIPT_PROBE.items():
        for fam in fams:
            r = subprocess.run(["fc-list", ":family=%s:charset=%s" % (fam, probe), "file"],
                               capture_output=True, text=True)
            if r.stdout.strip():
                out[script] = fam
                break
        else:
            out[script] = NOTO[script]
    return out


class Reference:
    """The string shaped by HarfBuzz (hb-view) at 32 px, each script's
    stretch in its font on one baseline, then OCR'd like a crop."""

    def __init__(self, ocr, tmp, families):
        self.ocr = ocr
        self.tmp = tmp
        self.families = families
        self.fonts = {s: fc_file(f) for s, f in families.items()}
        for s, f in families.items():
            if not self.fonts[s] or f.replace(" ", "") not in os.path.basename(self.fonts[s]).replace("-", ""):
                raise RuntimeError("fc-match has no %s (got %r)" % (f, self.fonts[s]))

    def segments(self, text):
        """Stretches of one script; marks, joiners and blanks stay with the
        stretch they are in."""
        segs = []
        for ch in text:
            s = script_of(ch)
            if segs and (s == "latn" and (ch.isspace() or unicodedata.category(ch)[0] == "M"
                                          or ch in INVISIBLE) and segs[-1][0] != "latn"):
                s = segs[-1][0]
            if segs and segs[-1][0] == s:
                segs[-1][1] += ch
            else:
                segs.append([s, ch])
        return segs

    def render(self, text):
        parts = []
        for i, (script, seg) in enumerate(self.segments(text)):
            out = os.path.join(self.tmp, "ref-%d.png" % i)
            # One ascent and descent for every font: one baseline.  No
            # side margins, so the stretches join as they would in a line.
            subprocess.run(["hb-view", "--font-size=%d" % REF_PX,
                            "--font-extents=%d,%d" % (REF_PX * 3 // 2, REF_PX * 3 // 4),
                            "--margin=16,0,16,0", "-O", "png", "-o", out,
                            "--font-file=" + self.fonts[script], "--text=" + seg],
                           check=True, capture_output=True)
            parts.append(Image.open(out).convert("L"))
        w = sum(p.width for p in parts)
        h = max(p.height for p in parts)
        img = Image.new("L", (w, h), 255)
        x = 0
        for p in parts:
            img.paste(p, (x, 0))
            x += p.width
        return img


# ---- the judge ---------------------------------------------------------------

def read_frame(path):
    rows = cols = None
    screen = modal = "-"
    runs = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("frame "):
                for field in line.split()[2:]:
                    k, _, v = field.partition("=")
                    if k == "size":
                        rows, cols = (int(x) for x in v.split("x"))
                    elif k == "screen":
                        screen = v
                    elif k == "modal":
                        modal = v
            elif line.startswith("run "):
                parts = line.split(" ", 4)
                if len(parts) == 5:
                    runs.append((int(parts[1]), int(parts[2]), int(parts[3]), parts[4]))
    if rows is None:
        raise RuntimeError("%s: no frame line" % path)
    return rows, cols, screen, modal, runs


def crop_box(run, runs, cw, ch, width):
    """The run's cells, widened by up to one cell on each side where no
    other run of the row is (a glyph may overhang its cells)."""
    row, col, w, _ = run
    left = col * cw - cw
    right = (col + w) * cw + cw
    for r2, c2, w2, _ in runs:
        if r2 != row or c2 == col:
            continue
        if c2 + w2 <= col:
            left = max(left, (c2 + w2) * cw)
        elif c2 >= col + w:
            right = min(right, c2 * cw)
    return (max(0, left), row * ch, min(width, right), (row + 1) * ch)


def crop_run(img, run, runs, cw, ch, screen_bg):
    """The run's picture, black on white.  A run drawn on the screen's own
    background (plain text) gets the widened box; a coloured band (a bar,
    a key cap, a field) is cut at its own cells, whose edges would
    otherwise read as a stroke."""
    row, col, w, _ = run
    core = (col * cw, row * ch, (col + w) * cw, (row + 1) * ch)
    c = img.crop(core)
    bg = max(c.getcolors(c.width * c.height))[1]
    x0, y0, x1, y1 = crop_box(run, runs, cw, ch, img.width) if bg == screen_bg else core
    # A quarter row more above and below where the row there has no run
    # over these columns and has the run's background (marks above and
    # below the letters, a chandrabindu, a Burmese stacked consonant, may
    # reach past the cell).
    ext = ch // 4
    for nrow, top in ((row - 1, True), (row + 1, False)):
        if nrow < 0 or (nrow + 1) * ch > img.height:
            continue
        if any(r2 == nrow and c2 * cw < x1 and (c2 + w2) * cw > x0 for r2, c2, w2, _ in runs):
            continue
        strip = img.crop((x0, y0 - ext, x1, y0) if top else (x0, y1, x1, y1 + ext))
        if max(strip.getcolors(strip.width * strip.height))[1] != bg:
            continue
        if top:
            y0 -= ext
        else:
            y1 += ext
    box = (x0, y0, x1, y1)
    return box, ink(img.crop(box))


def swap_cells(img, box, cw):
    """A broken rendering for the self-test: each pair of neighbouring
    cells of the run swapped (what a terminal does to a vowel sign drawn in
    the wrong cell)."""
    x0, y0, x1, y1 = box
    out = img.copy()
    x = x0
    while x + 2 * cw <= x1:
        a = img.crop((x, y0, x + cw, y1))
        b = img.crop((x + cw, y0, x + 2 * cw, y1))
        out.paste(b, (x, y0))
        out.paste(a, (x + cw, y0))
        x += 2 * cw
    return out


def qr_check(img, runs, cw, ch, expected, tmp):
    rows = [r for r in runs if any(c in QR_CHARS for c in r[3])]
    if not rows:
        return "no QR drawn"
    r0 = min(r[0] for r in rows)
    r1 = max(r[0] for r in rows)
    c0 = min(r[1] for r in rows)
    c1 = max(r[1] + r[2] for r in rows)
    crop = img.crop((c0 * cw, r0 * ch, c1 * cw, (r1 + 1) * ch)).convert("L")
    crop = ImageOps.expand(crop, border=4 * cw, fill=255)
    p = os.path.join(tmp, "qr.png")
    crop.save(p)
    r = subprocess.run(["zbarimg", "--nodbus", "-q", "--raw", p], capture_output=True, text=True)
    got = r.stdout.strip()
    if r.returncode != 0 or not got:
        return "the QR does not scan"
    if expected and expected != "-" and got != expected:
        return "the QR scans as %r, the sale's qr_data is %r" % (got[:60], expected[:60])
    return None


def best(ocr, keys, text):
    """The better of the readings of one crop: (accuracy, text read)."""
    return max((accuracy(ocr.text(k), text), ocr.text(k)) for k in keys)


def read_images(path):
    """The frame's "img ROW COL WIDTH TEXT" records: runs the kiosk drew as
    pictures (sixel) over its cells."""
    imgs = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("img "):
                parts = line.rstrip("\n").split(" ", 4)
                if len(parts) >= 4:
                    imgs.append((int(parts[1]), int(parts[2]), int(parts[3])))
    return imgs


def shows(framef, ppm, cw, ch):
    """Does the screenshot show the frame?  Every run has ink at its first
    non-blank cell and, unless the kiosk drew it as a picture (whose width
    is the shaped text's, not the cells'), at its last (give or take a
    cell: glyphs overhang or are drawn a cell off).  Two screens, or two
    languages, are told apart by where their text starts and ends; a
    screenshot taken before the terminal drew the frame fails.  For
    tests/screens/lib.sh, snap."""
    img = Image.open(ppm).convert("RGB")
    bg = max(img.getcolors(img.width * img.height))[1]
    plain = Image.new("RGB", img.size, bg)
    rows, cols, _, _, runs = read_frame(framef)
    if cols * cw > img.width or rows * ch > img.height:
        return False
    pictures = read_images(framef)

    def inked(c0, c1, row):
        box = (max(0, c0 * cw), row * ch, min(img.width, c1 * cw), (row + 1) * ch)
        d = ImageChops.difference(img.crop(box), plain.crop(box)).convert("L")
        return d.getextrema()[1] > 64

    for row, col, w, text in runs:
        if not text.strip():
            continue
        lead = len(text) - len(text.lstrip())
        first = col + lead  # cells, near enough: leading blanks are one cell each
        last = col + w - 1
        picture = any(r == row and c <= first < c + w2 for r, c, w2 in pictures)
        if not inked(first - 1, first + 2, row):
            return False
        if not inked(last - 1, last + 2, row) and not (picture and inked(first, last + 1, row)):
            return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest")
    ap.add_argument("--out")
    ap.add_argument("--cache")
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--name", default="")
    ap.add_argument("--fonts-from", metavar="FOOT_INI",
                    help="the reference in the fonts of foot's font= list (default: Noto)")
    ap.add_argument("--shows", nargs=4, metavar=("FRAME", "PPM", "CELL_W", "CELL_H"),
                    help="exit 0 if the screenshot shows the frame, 1 if not")
    a = ap.parse_args()
    if a.shows:
        return 0 if shows(a.shows[0], a.shows[1], int(a.shows[2]), int(a.shows[3])) else 1
    if not (a.manifest and a.out and a.cache):
        ap.error("--manifest, --out and --cache are needed")

    shots = []
    with open(a.manifest, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 7:
                shots.append(p)
    if not shots:
        print("judge: no screenshots in %s" % a.manifest, file=sys.stderr)
        return 2

    # The screenshots of this run only.
    for lang in LANGS:
        shutil.rmtree(os.path.join(a.out, lang), ignore_errors=True)
    os.makedirs(a.out, exist_ok=True)
    ocr = Ocr(a.cache)
    tmp = tempfile.mkdtemp(prefix="pk-judge.")
    problems = []  # the instrument's own failures (exit 2)
    checks = []    # other failures (exit 1): the QR
    todo = []      # (lang, label, run, crop gray, key, ocr langs)
    selftest = []

    try:
        sizes = {}
        for lang, label, ppm, framef, cw, ch, qr in shots:
            cw, ch = int(cw), int(ch)
            sizes[label] = (cw, ch)
            img = Image.open(ppm).convert("RGB")
            os.makedirs(os.path.join(a.out, lang), exist_ok=True)
            img.save(os.path.join(a.out, lang, label + ".png"), optimize=False, compress_level=3)
            rows, cols, screen, modal, runs = read_frame(framef)
            # cell -> pixel: foot's cells tile the grid from the top left
            # corner; the rest of the screen is narrower than one cell
            # (and, below, foot's off-screen title bar).
            if not (cols * cw <= img.width < (cols + 1) * cw and rows * ch <= img.height):
                problems.append("%s %s: %dx%d cells of %dx%d px do not fit a %dx%d screenshot"
                                % (lang, label, cols, rows, cw, ch, img.width, img.height))
                continue
            # The cashier's UPI QR screen, and any screenshot the manifest
            # names a link for (the customer display's UPI view).
            if (screen == "upi_qr" or qr != "-") and modal == "-":
                why = qr_check(img, runs, cw, ch, qr, tmp)
                if why:
                    checks.append("%s %s: %s" % (lang, label, why))
            screen_bg = max(img.getcolors(img.width * img.height))[1]
            scales = [px / ch for px in ROW_PX]
            for run in runs:
                if not judged(run[3]):
                    continue
                core = img.crop((run[1] * cw, run[0] * ch, (run[1] + run[2]) * cw, (run[0] + 1) * ch))
                if not has_ink(ink(core)):
                    problems.append("%s %s: run %r at %d,%d is blank in the screenshot "
                                    "(the screenshot does not show its frame)"
                                    % (lang, label, run[3], run[0], run[1]))
                    continue
                box, gray = crop_run(img, run, runs, cw, ch, screen_bg)
                langs = ocr_langs(lang, run[3])
                k = [ocr.ask(langs, png_bytes(prepare(gray, scales[0])))]
                todo.append((lang, label, screen, run, gray, k, langs, scales))
                if a.selftest and lang == "en" and len(selftest) < 4 and len(norm(run[3])) >= 8 \
                        and screen == "home":
                    broken = ink(swap_cells(img, box, cw).crop(box))
                    selftest.append((run, [ocr.ask(langs, png_bytes(prepare(broken, sc)))
                                           for sc in scales]))  # every size: the worst case
        if problems:
            for p in problems:
                print("judge: " + p, file=sys.stderr)
            return 2

        # The references: each distinct (language, string) once per font
        # set, cached: the goal's, in the fonts the terminal draws each
        # script with (foot's font= list, --fonts-from), and, for the table,
        # in the Noto fonts.
        ref_path = os.path.join(a.cache, "reference.json")
        try:
            with open(ref_path, encoding="utf-8") as f:
                refs = json.load(f)
        except (OSError, ValueError):
            refs = {}
        families = session_families(a.fonts_from) if a.fonts_from else dict(NOTO)
        references = {"goal": Reference(ocr, tmp, families), "noto": Reference(ocr, tmp, NOTO)}
        ref_keys = {}  # (which, lang, text) -> (cache key, ocr key or None)
        for lang, _, _, run, _, _, _, _ in todo:
            for which, reference in references.items():
                if (which, lang, run[3]) in ref_keys:
                    continue
                fonts_id = "|".join(sorted(reference.fonts.values()))
                rk = hashlib.sha256("\0".join((PIPELINE, ocr.version, fonts_id, lang, run[3]))
                                    .encode()).hexdigest()
                k = None
                if rk not in refs:
                    img = prepare(reference.render(run[3]), 1)
                    k = ocr.ask(ocr_langs(lang, run[3]), png_bytes(img))
                ref_keys[(which, lang, run[3])] = (rk, k)
        ocr.run()
        for rk, k in ref_keys.values():
            if k is not None:
                refs[rk] = ocr.text(k)  # what was read: the accuracy follows norm()
        save_cache(ref_path, refs, {rk for rk, _ in ref_keys.values()})

        def ref_acc(lang, text, which="goal"):
            return accuracy(refs[ref_keys[(which, lang, text)][0]], text)

        # More readings, at the other scales, of each run that missed.
        for lang, label, screen, run, gray, k, langs, scales in todo:
            acc, _ = best(ocr, k, run[3])
            if acc < GOAL and acc < ref_acc(lang, run[3]) - REF_SLACK:
                for sc in scales[1:]:
                    k.append(ocr.ask(langs, png_bytes(prepare(gray, sc))))
        ocr.run()

        # The table.
        table = []
        stats = {}
        misses = []
        for lang, label, screen, run, gray, k, _, _ in todo:
            text = run[3]
            acc, got = best(ocr, k, text)
            ref = ref_acc(lang, text)
            ref_noto = ref_acc(lang, text, "noto")
            ok = acc >= GOAL or acc >= ref - REF_SLACK
            table.append((lang, label, run[0], run[1], text, acc, ref, ok, got, ref_noto))
            st = stats.setdefault(lang, [])
            st.append((acc, ref, ok, ref_noto))
            if not ok:
                misses.append((lang, label, run, acc, ref, got))
                d = os.path.join(a.out, lang, "miss")
                os.makedirs(d, exist_ok=True)
                gray.save(os.path.join(d, "%s-r%02dc%03d.png" % (label, run[0], run[1])))
        # cell -> pixel, checked by reading known text: for each cell size,
        # a long English ASCII run reads back (a box off by a cell or a
        # row would cut it).
        for size in sorted({(int(sh[4]), int(sh[5])) for sh in shots}):
            known = [acc for (lang, label, r, c, text, acc, ref, ok, got, _) in table
                     if lang == "en" and text.isascii() and len(norm(text)) >= 8
                     and sizes.get(label) == size]
            if not known or max(known) < 0.9:
                problems.append("cells of %dx%d px: no English run of 8 ASCII characters reads "
                                "back (best %.2f): the cell -> pixel mapping is wrong"
                                % (size[0], size[1], max(known) if known else 0.0))
        with open(os.path.join(a.out, "accuracy.tsv"), "w", encoding="utf-8") as f:
            f.write("lang\tscreen\trow\tcol\ttext\taccuracy\treference\tpass\tocr\treference_noto\n")
            for lang, label, r, c, text, acc, ref, ok, got, ref_noto in table:
                f.write("%s\t%s\t%d\t%d\t%s\t%.3f\t%.3f\t%s\t%s\t%.3f\n"
                        % (lang, label, r, c, text.replace("\t", " "), acc, ref,
                           "yes" if ok else "NO", got.replace("\t", " ").replace("\n", " "),
                           ref_noto))

        title = "screens%s" % (" (" + a.name + ")" if a.name else "")
        print("%s: %d screenshots, %d runs judged; goal: accuracy >= %.2f or >= reference - %.2f"
              % (title, len(shots), len(table), GOAL, REF_SLACK))
        print("reference: HarfBuzz (hb-view %d px) in %s; Noto: in %s"
              % (REF_PX, ", ".join(families[x] for x in ("latn", "my", "hi")),
                 ", ".join(NOTO[x] for x in ("latn", "my", "hi"))))
        print("%-4s %5s %6s %9s %9s %9s %9s %9s %9s" % ("lang", "runs", "missed", "acc min", "acc mean",
                                                      "ref min", "ref mean", "noto min", "noto mean"))
        for lang in ("en", "my", "hi"):
            st = stats.get(lang)
            if not st:
                continue
            accs = [s[0] for s in st]
            rfs = [s[1] for s in st]
            nts = [s[3] for s in st]
            print("%-4s %5d %6d %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f"
                  % (lang, len(st), sum(1 for s in st if not s[2]), min(accs),
                     sum(accs) / len(accs), min(rfs), sum(rfs) / len(rfs),
                     min(nts), sum(nts) / len(nts)))
        for lang, label, run, acc, ref, got in sorted(misses, key=lambda m: m[3])[:40]:
            print("  miss %s %-28s %.2f (ref %.2f) %r -> %r" % (lang, label, acc, ref, run[3], got))
        if len(misses) > 40:
            print("  ... and %d more (accuracy.tsv)" % (len(misses) - 40))
        for c in checks:
            print("  check: " + c)
        if problems:
            for p in problems:
                print("judge: " + p, file=sys.stderr)
            return 2

        if a.selftest:
            if len(selftest) < 2:
                print("judge: self-test: too few English runs to break", file=sys.stderr)
                return 2
            for run, k in selftest:
                acc, got = best(ocr, k, run[3])
                print("  self-test: %r with neighbouring cells swapped reads %.2f (%r)"
                      % (run[3], acc, got))
                if acc >= GOAL:
                    print("judge: self-test: a broken rendering of %r passes (%.2f)" % (run[3], acc),
                          file=sys.stderr)
                    return 2
        return 1 if misses or checks else 0
    finally:
        ocr.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
