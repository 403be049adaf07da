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
  # Index 2 of the CJK collection is Simplified Chinese (SC).
  sub "$cjk/NotoSansCJK-$w.ttc" "NotoSansSC-$w.woff" --font-number=2
done
ls -l ./*.woff
