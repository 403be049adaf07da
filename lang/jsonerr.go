package lang

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/unicode/runenames"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// jsonProblem explains why data is not JSON in words a translator can act
// on, with the line to look at. encoding/json names a byte, not a
// character: a curly quote (U+201C, bytes E2 80 9C) comes out as
// "invalid character 'â'", a byte-order mark as "invalid character 'ï'".
// Here they are named as what the translator typed, with the fix.
func jsonProblem(data []byte, err error) (line int, problem string) {
	if bytes.HasPrefix(data, bom) {
		return 1, "the file starts with an invisible byte-order mark (U+FEFF BYTE ORDER MARK), which JSON does not allow: save the file as \"UTF-8\", not \"UTF-8 with BOM\" (in Notepad: Save as, Encoding: UTF-8)"
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line = lineAt(data, se.Offset)
		col := columnAt(data, se.Offset)
		where := fmt.Sprintf("line %d, column %d", line, col)
		if r, ok := offendingRune(data, se.Offset); ok && r >= utf8.RuneSelf {
			name := runenames.Name(r)
			what := fmt.Sprintf("%c (U+%04X %s)", r, r, name)
			switch r {
			case '“', '”', '„', '‟', '″', '＂':
				return line, fmt.Sprintf("not valid JSON at %s: %s where JSON needs a straight double quote \": word processors and some keyboards turn \" into curly quotes. Type \" around each text and key (curly quotes inside a text are fine)", where, what)
			case '‘', '’', '‚', '‛', '′':
				return line, fmt.Sprintf("not valid JSON at %s: %s where JSON needs a straight double quote \": put each text and key between \" and \"", where, what)
			case '，', '：', '、':
				return line, fmt.Sprintf("not valid JSON at %s: %s, a punctuation mark of a Chinese or Japanese keyboard, where JSON needs the plain ASCII one (, or :): switch the keyboard to English for the punctuation between texts", where, what)
			case 0xFEFF:
				return line, fmt.Sprintf("not valid JSON at %s: an invisible byte-order mark (U+FEFF), often left when two files are pasted together: delete the characters around that place and type them again", where)
			case 0xA0, 0x2007, 0x202F, 0x200B:
				return line, fmt.Sprintf("not valid JSON at %s: an invisible %s between the texts, where JSON allows only ordinary spaces: delete the space there and type it again", where, what)
			}
			return line, fmt.Sprintf("not valid JSON at %s: the character %s is outside the quotes of a text: every text must be between straight double quotes \"...\"", where, what)
		}
		msg := se.Error()
		hint := ""
		switch {
		case bytes.Contains([]byte(msg), []byte("after object key:value pair")) || bytes.Contains([]byte(msg), []byte("after object key")):
			hint = ": a comma or colon is missing, often at the end of the line before (between two messages there is a comma)"
		case bytes.Contains([]byte(msg), []byte("looking for beginning of object key string")):
			hint = ": perhaps a comma after the last message or the last line inside { } (remove it)"
		case bytes.Contains([]byte(msg), []byte("in string literal")):
			hint = ": a text contains a line break or a control character (write a line break as \\n), or a quote is missing at its end"
		case bytes.Contains([]byte(msg), []byte("unexpected end of JSON input")):
			hint = ": the file ends too early; a closing } or \" is missing"
		case bytes.Contains([]byte(msg), []byte("in string escape code")):
			hint = ": a backslash \\ must be followed by \", \\\\, n or u; write a quote inside a text as \\\""
		}
		return line, fmt.Sprintf("not valid JSON at %s: %s%s", where, msg, hint)
	case errors.As(err, &te):
		return lineAt(data, te.Offset), "not valid JSON: the file must be one object { \"id\": ... } of messages: " + err.Error()
	}
	return 0, "not valid JSON: " + err.Error()
}

// offendingRune is the character encoding/json stopped at: its Offset is
// just past the byte it could not use, the first byte of the character.
func offendingRune(data []byte, offset int64) (rune, bool) {
	i := int(offset) - 1
	if i < 0 || i >= len(data) {
		return 0, false
	}
	for i > 0 && !utf8.RuneStart(data[i]) {
		i--
	}
	r, size := utf8.DecodeRune(data[i:])
	if r == utf8.RuneError && size <= 1 {
		return 0, false
	}
	return r, true
}

// columnAt counts characters, not bytes, from the start of the line.
func columnAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	start := bytes.LastIndexByte(data[:offset], '\n') + 1
	return utf8.RuneCount(data[start:offset])
}
