// Package crossengine holds only tests: Waymark's promises checked in the
// three engines phones run, Chromium, WebKit and Gecko (Firefox), through
// browser/engines, against the real public router. Each check is a
// subtest named by its engine (TestExit/webkit/320x640/...), so a failure
// says where; a failed check leaves a screenshot in $WAYMARK_ARTEFACTS
// (default: waymark-artefacts in the temporary directory).
//
// To check another kind of page in every engine, add it to samplePages in
// layout_test.go.
package crossengine
