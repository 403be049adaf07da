#!/usr/bin/env bash
# Subsets the Noto fonts (SIL Open Font License 1.1) that posters embed, to
# the characters that poster messages use in every shipped locale, plus
# printable ASCII for addresses and numbers. Run again after a translator
# changes a poster.* message or a language is added:
#
#   sudo apt-get install fonts-noto-core fonts-noto-cjk fonttools
#   assets/fonts/subset.sh
#
# `waymark i18n` and the poster tests fail when a poster glyph is missing
# from these files, so a stale subset cannot slip through.
set -euo pipefail
cd "$(dirname "$0")"
text=$(python3 - <<'PY'
import glob, json
chars = set(chr(c) for c in range(0x20, 0x7f))
chars.update("–—…’“”«»·•")
for f in glob.glob("../../locales/active.*.json"):
    for k, v in json.load(open(f, encoding="utf-8")).items():
        if k.startswith("poster."):
            for form, s in v.items():
                if form not in ("description", "hash"):
                    chars.update(s)
print("".join(sorted(chars)))
PY
)
noto=/usr/share/fonts/truetype/noto
cjk=/usr/share/fonts/opentype/noto
sub() { pyftsubset "$1" --text="$text" --flavor=woff --layout-features='*' --no-hinting --desubroutinize --output-file="$2" "${@:3}"; }
for w in Regular Bold; do
  sub "$noto/NotoSans-$w.ttf" "NotoSans-$w.woff"
  sub "$noto/NotoSansArabic-$w.ttf" "NotoSansArabic-$w.woff"
  sub "$noto/NotoSansEthiopic-$w.ttf" "NotoSansEthiopic-$w.woff"
  # Index 2 of the CJK collection is Simplified Chinese (SC). Its outlines
  # are CFF, which Chromium embeds in PDFs as unnamed Type 3 fonts that some
  # print shops reject: convert them to TrueType outlines first.
  pyftsubset "$cjk/NotoSansCJK-$w.ttc" --font-number=2 --text="$text" --layout-features='*' \
    --no-hinting --desubroutinize --output-file="/tmp/sc-$w.otf"
  /usr/bin/python3 - "/tmp/sc-$w.otf" "NotoSansSC-$w.woff" <<'PY'
import sys
from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
font = TTFont(sys.argv[1])
order = font.getGlyphOrder()
gs = font.getGlyphSet()
glyf = newTable("glyf"); glyf.glyphOrder = order; glyf.glyphs = {}
for name in order:
    pen = TTGlyphPen(gs)
    gs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
    glyf[name] = pen.glyph()
font["glyf"] = glyf
font["loca"] = newTable("loca")
maxp = font["maxp"]; maxp.tableVersion = 0x00010000
for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
          "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
    setattr(maxp, k, 0)
maxp.maxZones = 1
font["head"].glyphDataFormat = 0
if "post" in font:
    font["post"].formatType = 2.0; font["post"].extraNames = []; font["post"].mapping = {}
    font["post"].glyphOrder = order
del font["CFF "]
if "VORG" in font: del font["VORG"]
font.sfntVersion = "\x00\x01\x00\x00"
font.flavor = "woff"
font.save(sys.argv[2])
PY
  rm -f "/tmp/sc-$w.otf"
done
ls -l ./*.woff
