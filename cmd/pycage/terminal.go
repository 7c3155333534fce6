package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// forTerminal returns the code's output made safe to show on w when w is a terminal: control
// characters but newline and tab (and a carriage return before a newline) are written as
// escapes, so that output cannot clear the screen, move the cursor over pycage's own lines,
// retitle the window or set the clipboard (OSC 52). Anything else gets the output as it is.
func forTerminal(w io.Writer, s string) string {
	if !isTerminal(w) {
		return s
	}
	return escapeControls(s)
}

// escapeControls writes C0 and C1 controls and DEL but \n, \t and \r\n as Go escapes.
func escapeControls(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r' && strings.HasPrefix(s[i+1:], "\n"):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
