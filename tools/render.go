package tools

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pycage/pycage/redact"
	"github.com/pycage/pycage/sandbox"
)

// clip turns a captured stream into what the model sees: redacted first, then cut to limit
// bytes keeping head and tail around a marker that says how much was cut, as valid UTF-8.
// Redacting before cutting means a secret straddling the cut is still caught: the capture keeps
// a margin beyond each half for exactly this.
func clip(o sandbox.Output, limit int, r *redact.Redactor) (text string, truncated bool, redactions int) {
	if o.Dropped() == 0 {
		s, n := r.Redact(validUTF8(append(o.Head, o.Tail...)))
		if len(s) <= limit {
			return s, false, n
		}
		return cut(s[:limit/2], s[len(s)-limit/2:], int64(len(s)-limit/2*2)), true, n
	}
	head, n1 := r.Redact(validUTF8(o.Head))
	tail, n2 := r.Redact(validUTF8(o.Tail))
	cutBytes := o.Dropped()
	if len(head) > limit/2 {
		cutBytes += int64(len(head) - limit/2)
		head = head[:limit/2]
	}
	if len(tail) > limit/2 {
		cutBytes += int64(len(tail) - limit/2)
		tail = tail[len(tail)-limit/2:]
	}
	return cut(head, tail, cutBytes), true, n1 + n2
}

// cut joins head and tail (byte slices of valid UTF-8 that may start or end mid-rune) with a
// marker naming how many bytes were left out.
func cut(head, tail string, dropped int64) string {
	for len(head) > 0 && !utf8.ValidString(head) {
		head = head[:len(head)-1]
	}
	for len(tail) > 0 && !utf8.ValidString(tail) {
		tail = tail[1:]
	}
	return fmt.Sprintf("%s\n[... pycage: %d bytes of output cut here ...]\n%s", head, dropped, tail)
}

// validUTF8 replaces every invalid byte sequence with U+FFFD.
func validUTF8(b []byte) string {
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
