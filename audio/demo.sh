#!/bin/sh
# Makes the demo's computer-voice placeholder recordings: espeak-ng reads
# each section's current text (`waymark audio script`), and `waymark audio
# import` encodes it and records the text's hash with status placeholder.
# Run from the repository's root after the texts of these sections change
# (`waymark i18n` then reports the recordings as stale). A real deployment
# replaces them with volunteers' recordings (TRANSLATING.md). The digits
# 0 to 9 are recorded too: the server joins them into the numbers of each
# region's emergency and helpline sections (docs/audio.md). The course's
# lessons are sections too (lesson.<id>).
#
# Give section keys to record only those: audio/demo.sh emergency helplines
# LANGS picks the languages (default en es ar): LANGS="es ar" audio/demo.sh lesson.where
# DRYRUN=1 prints what would be recorded and writes nothing.
#
# A section is not recorded in a language whose text still has a paragraph
# in English (its translation has not landed, and the script falls back to
# English): a Spanish voice reading English would be offered on the Spanish
# page, since its hash is of the text that page shows today. The script says
# which it skipped and exits 1; run it again for them once they are translated.
set -eu
sections=${*:-emergency helplines signs \
  lesson.where lesson.accounts lesson.apps lesson.traces lesson.asking lesson.taken \
  digit.0 digit.1 digit.2 digit.3 digit.4 digit.5 digit.6 digit.7 digit.8 digit.9}
langs=${LANGS:-en es ar}
dry=${DRYRUN:-}
go build -o /tmp/waymark-demo-audio ./cmd/waymark
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# script LANG SECTION FILE: the text to read, paragraphs apart as the
# script prints them (espeak-ng pauses there, after a title too); FILE.p
# has one paragraph a line.
script() {
  /tmp/waymark-demo-audio audio script --lang "$1" --section "$2" >"$3.raw"
  grep -v '^#' "$3.raw" >"$3"
  grep -v '^$' "$3" >"$3.p" || true
}
skipped=
for lang in $langs; do
  for section in $sections; do
    script "$lang" "$section" "$tmp/text"
    [ "$lang" != en ] || cp "$tmp/text.p" "$tmp/en-$section.p"
    n=$(wc -l <"$tmp/text.p")
    case "$lang:$section" in
    en:* | *:digit.*) english=0 ;;
    *)
      [ -f "$tmp/en-$section.p" ] || script en "$section" "$tmp/en-$section"
      english=$(grep -cxF -f "$tmp/en-$section.p" "$tmp/text.p" || true)
      ;;
    esac
    if [ "$english" -gt 0 ]; then
      echo "$lang $section: not recorded: $english of $n paragraphs are still English" >&2
      skipped="$skipped $lang:$section"
      continue
    fi
    if [ -n "$dry" ]; then
      echo "$lang $section: would record $n paragraphs, $(wc -w <"$tmp/text.p") words"
      continue
    fi
    espeak-ng -v "$lang" -s 150 -w "$tmp/$lang-$section.wav" -f "$tmp/text"
    /tmp/waymark-demo-audio audio import "$tmp/$lang-$section.wav" --lang "$lang" --section "$section" \
      --status placeholder --by "espeak-ng (computer voice)"
  done
done
if [ -n "$skipped" ]; then
  echo "not recorded (translation not landed):$skipped" >&2
  exit 1
fi
