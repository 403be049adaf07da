#!/bin/sh
# Makes the demo's computer-voice placeholder recordings: espeak-ng reads
# each section's current text (`waymark audio script`), and `waymark audio
# import` encodes it and records the text's hash with status placeholder.
# Run from the repository's root after the texts of these sections change
# (`waymark i18n` then reports the recordings as stale). A real deployment
# replaces them with volunteers' recordings (TRANSLATING.md). The digits
# 0 to 9 are recorded too: the server joins them into the numbers of each
# region's emergency and helpline sections (docs/audio.md).
# Give section keys to record only those: audio/demo.sh emergency helplines
set -eu
sections=${*:-emergency helplines signs digit.0 digit.1 digit.2 digit.3 digit.4 digit.5 digit.6 digit.7 digit.8 digit.9}
go build -o /tmp/waymark-demo-audio ./cmd/waymark
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for lang in en es ar; do
  for section in $sections; do
    /tmp/waymark-demo-audio audio script --lang "$lang" --section "$section" | grep -v '^#' >"$tmp/text"
    espeak-ng -v "$lang" -s 150 -w "$tmp/$lang-$section.wav" -f "$tmp/text"
    /tmp/waymark-demo-audio audio import "$tmp/$lang-$section.wav" --lang "$lang" --section "$section" \
      --status placeholder --by "espeak-ng (computer voice)"
  done
done
