package pages

import "testing"

func TestStripComments(t *testing.T) {
	in := "(function () {\n  // why, not what\n  var a = \"http://x\"; // kept: not a whole line\n\n  return a;\n})();\n"
	want := "(function () {\n  var a = \"http://x\"; // kept: not a whole line\n  return a;\n})();\n"
	if got := string(stripComments([]byte(in))); got != want {
		t.Errorf("stripComments =\n%s\nwant\n%s", got, want)
	}
}
