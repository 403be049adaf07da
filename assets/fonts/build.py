#!/usr/bin/python3
"""Builds the poster fonts (assets/fonts/*.woff) from Debian's Noto fonts.

Fonts are chosen by script, not by the letters today's translations use:
each script's font carries the script's Unicode blocks whole, so a
translator who adds a language in a supported script (Pashto's ړ ګ ډ,
Sorani's ڕ ۆ) needs no new build. Only Chinese is a subset (see CJK below).

Run on Debian or Ubuntu, by a maintainer, when a script is added or the
Noto fonts are updated; commit the .woff files it writes. Nothing else
needs fonttools: `waymark` and its tests read the committed files.

    sudo apt-get install fonts-noto-core fonts-noto-extra fonts-noto-cjk python3-fonttools
    /usr/bin/python3 assets/fonts/build.py

The list of scripts here and poster/fonts.go (the family names, and the
languages that prefer a style, such as Urdu's Nastaliq) go together.
"""

import glob
import json
import os
import sys

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

HERE = os.path.dirname(os.path.abspath(__file__))
NOTO = "/usr/share/fonts/truetype/noto"
CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc"

# What every script font also carries: the space (so that a language whose
# font comes first in its list, such as Urdu's, gets that font's line
# height), the no-break space, the zero-width (non-)joiners and direction
# marks that shaping needs, and the dotted circle shapers draw for a lone
# vowel sign.
COMMON = [(0x20, 0x20), (0xA0, 0xA0), (0x200B, 0x200F), (0x25CC, 0x25CC)]

ARABIC = [(0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]

# (output name, Debian file stem, Unicode blocks). The output name is
# also the CSS family, without spaces.
SCRIPTS = [
    # Latin (every Latin-script language, Vietnamese included), Greek and
    # Cyrillic, punctuation, currency signs, arrows: addresses, numbers
    # and the text of most languages.
    ("NotoSans", "NotoSans", [(0x0000, 0x036F), (0x0370, 0x03FF), (0x0400, 0x052F), (0x1E00, 0x1EFF),
                              (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x21FF), (0x2C60, 0x2C7F),
                              (0xA720, 0xA7FF)]),
    ("NotoSansArabic", "NotoSansArabic", COMMON + ARABIC),
    # Urdu is written in Nastaliq: poster/fonts.go puts this font first
    # for Urdu only.
    ("NotoNastaliqUrdu", "NotoNastaliqUrdu", COMMON + ARABIC),
    ("NotoSansEthiopic", "NotoSansEthiopic", COMMON + [(0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)]),
    ("NotoSansDevanagari", "NotoSansDevanagari", COMMON + [(0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)]),
    ("NotoSansBengali", "NotoSansBengali", COMMON + [(0x0964, 0x0965), (0x0980, 0x09FF)]),
    ("NotoSansGurmukhi", "NotoSansGurmukhi", COMMON + [(0x0964, 0x0965), (0x0A00, 0x0A7F)]),
    ("NotoSansTamil", "NotoSansTamil", COMMON + [(0x0964, 0x0965), (0x0B80, 0x0BFF)]),
    ("NotoSansMalayalam", "NotoSansMalayalam", COMMON + [(0x0964, 0x0965), (0x0D00, 0x0D7F)]),
    ("NotoSansThai", "NotoSansThai", COMMON + [(0x0E00, 0x0E7F)]),
]


def unicodes(blocks):
    return [c for lo, hi in blocks for c in range(lo, hi + 1)]


def options():
    o = subset.Options()
    o.layout_features = ["*"]  # every shaping feature: Indic and Arabic need them
    o.hinting = False  # print resolution needs no hints; halves the size
    o.desubroutinize = True
    o.notdef_outline = True
    o.name_IDs = ["*"]
    o.flavor = "woff"
    return o


def build(stem, blocks, out):
    font = TTFont(os.path.join(NOTO, stem + ".ttf"))
    s = subset.Subsetter(options())
    s.populate(unicodes=unicodes(blocks))
    s.subset(font)
    font.flavor = "woff"
    font.save(out)


# CJK: Chinese has tens of thousands of characters, about 1.5 MB per
# weight for the common ones, so it stays a subset, by a rule a translator
# can check: the 3,755 characters of GB 2312 level 1 (the common
# characters of Simplified Chinese, which cover over 99 % of everyday
# text), plus every Han character any shipped locale file uses.
def cjk_text():
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for f in glob.glob(os.path.join(HERE, "..", "..", "locales", "active.*.json")):
        with open(f, encoding="utf-8") as fh:
            for v in json.load(fh).values():
                for form, s in v.items():
                    if form not in ("description", "hash"):
                        chars.update(c for c in s if 0x3000 <= ord(c) <= 0x9FFF or 0xFF00 <= ord(c) <= 0xFFEF)
    # CJK punctuation and full-width forms, whole.
    chars.update(chr(c) for c in range(0x3000, 0x3040))
    chars.update(chr(c) for c in range(0xFF00, 0xFFF0))
    chars.update(chr(c) for lo, hi in COMMON for c in range(lo, hi + 1))
    return "".join(sorted(chars))


def build_cjk(weight, out):
    # Index 2 of the CJK collection is Simplified Chinese (SC). Its outlines
    # are CFF, which Chromium embeds in PDFs as unnamed Type 3 fonts that
    # some print shops reject: they are converted to TrueType outlines.
    font = TTFont(CJK.format(weight=weight), fontNumber=2)
    o = options()
    o.flavor = None
    s = subset.Subsetter(o)
    s.populate(text=cjk_text())
    s.subset(font)
    order = font.getGlyphOrder()
    gs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(gs)
        gs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    if "post" in font:
        font["post"].formatType = 2.0
        font["post"].extraNames = []
        font["post"].mapping = {}
        font["post"].glyphOrder = order
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font.sfntVersion = "\x00\x01\x00\x00"
    font.flavor = "woff"
    font.save(out)


def main():
    only = set(sys.argv[1:])
    for weight in ("Regular", "Bold"):
        for name, stem, blocks in SCRIPTS:
            if only and name not in only:
                continue
            out = os.path.join(HERE, f"{name}-{weight}.woff")
            build(f"{stem}-{weight}", blocks, out)
            print(f"{out}: {os.path.getsize(out)} bytes")
        if not only or "NotoSansSC" in only:
            out = os.path.join(HERE, f"NotoSansSC-{weight}.woff")
            build_cjk(weight, out)
            print(f"{out}: {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
