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
//
// When the capture dropped a middle part, a secret may straddle each edge of the gap. The
// capture keeps margin bytes more than half the limit on each side, so every secret that
// starts in the head's first half (or ends in the tail's last half) is seen whole and
// redacted; what is shown is cut from those redacted halves so that nothing of the margins
// (where a secret's partial prefix or suffix may sit) is shown except inside a redaction
// marker. See headOf and tailOf.
func clip(o sandbox.Output, limit, margin int, r *redact.Redactor) (text string, truncated bool, redactions int) {
	if o.Dropped() == 0 {
		s, n := r.Redact(validUTF8(append(o.Head, o.Tail...)))
		if len(s) <= limit {
			return s, false, n
		}
		return cut(s[:limit/2], s[len(s)-limit/2:], int64(len(s)-limit/2*2)), true, n
	}
	head, n1 := headOf(validUTF8(o.Head), margin, r)
	tail, n2 := tailOf(validUTF8(o.Tail), margin, r)
	if len(head) > limit/2 {
		head = head[:markerStart(head, limit/2)] // a marker is shown whole or not at all
	}
	if len(tail) > limit/2 {
		tail = tail[markerEnd(tail, len(tail)-limit/2):]
	}
	return cut(head, tail, o.Total-int64(len(head)+len(tail))), true, n1 + n2
}

// headOf redacts the head of a stream whose continuation was dropped, and returns the part of
// it that is safe to show: the redaction of all but the last margin bytes, where a secret may
// begin and continue into the dropped part. A secret that straddles that point is seen whole
// in the full head and shown as its marker.
func headOf(h string, margin int, r *redact.Redactor) (string, int) {
	full, n := r.Redact(h)
	if len(h) <= margin {
		return "", n
	}
	part, _ := r.Redact(h[:len(h)-margin])
	l := commonPrefix(full, part)
	if l < len(part) {
		// They diverge where a secret straddles the cut: full shows its marker there.
		l = markerEnd(full, l)
	}
	return full[:l], n
}

// tailOf is headOf's mirror for the tail of a stream whose beginning was dropped.
func tailOf(t string, margin int, r *redact.Redactor) (string, int) {
	full, n := r.Redact(t)
	if len(t) <= margin {
		return "", n
	}
	part, _ := r.Redact(t[margin:])
	l := commonSuffix(full, part)
	start := len(full) - l
	if l < len(part) {
		start = markerStart(full, start)
	}
	return full[start:], n
}

const markerOpen = "[REDACTED:"

// markerEnd returns the end of the redaction marker that covers or starts at i in s; if there
// is none, i itself (nothing past the agreement point is shown).
func markerEnd(s string, i int) int {
	if j := strings.LastIndex(s[:min(i+len(markerOpen), len(s))], markerOpen); j >= 0 {
		if k := strings.IndexByte(s[j:], ']'); k >= 0 && j+k+1 > i {
			return j + k + 1
		}
	}
	return i
}

// markerStart returns the start of the redaction marker that covers or ends at i in s (i is
// the first byte shown); if there is none, i itself.
func markerStart(s string, i int) int {
	if i > 0 && i <= len(s) {
		// A marker that starts less than len(markerOpen) bytes before i is cut inside "[REDACTED:".
		if j := strings.LastIndex(s[:min(i+len(markerOpen)-1, len(s))], markerOpen); j >= 0 && j < i {
			if k := strings.IndexByte(s[j:], ']'); k >= 0 && j+k+1 >= i {
				return j
			}
		}
	}
	return i
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func commonSuffix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[len(a)-1-i] != b[len(b)-1-i] {
			return i
		}
	}
	return n
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
