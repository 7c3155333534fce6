package main

import (
	"bytes"
	"testing"
)

func TestEscapeControls(t *testing.T) {
	in := "ok\tline\r\n\x1b]52;c;aGVsbG8=\x07\x1b[2J\x1b[Hstatus: ok\rover\x7f\u009b1m é"
	want := "ok\tline\r\n\\x1b]52;c;aGVsbG8=\\x07\\x1b[2J\\x1b[Hstatus: ok\\x0dover\\x7f\\u009b1m é"
	if got := escapeControls(in); got != want {
		t.Errorf("escapeControls = %q\nwant %q", got, want)
	}
	var buf bytes.Buffer // not a terminal: the output is data, passed as it is
	if got := forTerminal(&buf, in); got != in {
		t.Errorf("forTerminal on a buffer changed the output: %q", got)
	}
}
