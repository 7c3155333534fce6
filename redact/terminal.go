package redact

import "unicode/utf8"

// maxSeqLen bounds a terminal control sequence (CSI, OSC and other string sequences, ESC with
// intermediates), in bytes. A longer one is not recognized: its ESC alone is dropped.
const maxSeqLen = 256

// Terminal control sequences (ECMA-48) are dropped whole in the streamSep and streamEsc views:
//
//	CSI     ESC '[' params(0x30-0x3F)* intermediates(0x20-0x2F)* final(0x40-0x7E)
//	string  ESC (']' | 'P' | 'X' | '^' | '_') text* (BEL | ESC '\\')    (OSC, DCS, SOS, PM, APC)
//	other   ESC intermediates(0x20-0x2F)* final(0x30-0x7E)                  (ESC ( B, ESC 7, ESC =)
//
// and likewise with the C1 controls U+009B (CSI) and U+0090, U+0098, U+009D, U+009E, U+009F
// (strings, also ended by U+009C). A sequence is at most maxSeqLen bytes and never holds a line
// feed; one that is not well formed within that is not a sequence, and only its introducer is
// dropped. Every byte a failed parse looked at is one that no other parse looks at (a parse
// stops at the next ESC or C1 control), so the views stay linear in the text.

// skipEscape returns the end of the control sequence that starts with ESC at s[i], or i+1 when
// none is well formed there.
func skipEscape(s string, i, limit int) int {
	limit = min(limit, i+maxSeqLen)
	if i+1 >= limit {
		return i + 1
	}
	var e int
	var ok bool
	switch c := s[i+1]; {
	case c == '[':
		e, ok = skipCSI(s, i+2, limit)
	case isStringIntroducer(c):
		e, ok = skipString(s, i+2, limit)
	default:
		j := i + 1
		for j < limit && s[j] >= 0x20 && s[j] <= 0x2f {
			j++
		}
		e, ok = j+1, j < limit && s[j] >= 0x30 && s[j] <= 0x7e
	}
	if !ok {
		return i + 1
	}
	return e
}

// isStringIntroducer reports whether ESC c starts a string sequence (OSC, DCS, SOS, PM, APC).
func isStringIntroducer(c byte) bool {
	switch c {
	case ']', 'P', 'X', '^', '_':
		return true
	}
	return false
}

// isC1Introducer reports whether r is the C1 control CSI or one that starts a string.
func isC1Introducer(r rune) bool {
	switch r {
	case 0x9b, 0x90, 0x98, 0x9d, 0x9e, 0x9f:
		return true
	}
	return false
}

// skipC1 returns the end of the control sequence that starts with the C1 control r, n bytes
// long, at s[i]; or i+n (the control alone) when none is well formed there.
func skipC1(s string, i, limit int, r rune, n int) int {
	limit = min(limit, i+maxSeqLen)
	var e int
	var ok bool
	if r == 0x9b {
		e, ok = skipCSI(s, i+n, limit)
	} else {
		e, ok = skipString(s, i+n, limit)
	}
	if !ok {
		return i + n
	}
	return e
}

// skipCSI returns the end of the parameters, intermediates and final byte of a CSI sequence
// at s[j].
func skipCSI(s string, j, limit int) (int, bool) {
	for j < limit && s[j] >= 0x30 && s[j] <= 0x3f {
		j++
	}
	for j < limit && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	return j + 1, j < limit && s[j] >= 0x40 && s[j] <= 0x7e
}

// skipString returns the end of the text and terminator of a string sequence at s[j]: text is
// printable ASCII, the format effectors BS to CR but line feed, and UTF-8 (window titles);
// the terminator is BEL, ESC '\\' or U+009C.
func skipString(s string, j, limit int) (int, bool) {
	for ; j < limit; j++ {
		switch c := s[j]; {
		case c == 0x07:
			return j + 1, true
		case c == 0x1b:
			return j + 2, j+1 < limit && s[j+1] == '\\'
		case c == 0xc2 && j+1 < limit && s[j+1] >= 0x80 && s[j+1] <= 0x9f: // a C1 control
			return j + 2, s[j+1] == 0x9c
		case c == '\n':
			return 0, false
		case c >= 0x20 && c != 0x7f, c >= 0x08 && c <= 0x0d:
		default:
			return 0, false
		}
	}
	return 0, false
}

// keepFinal writes the streamFinal view of the control sequence that starts at s[i] with ESC
// (n == 1) or a C1 introducer of n bytes, and returns the index after it. The view keeps what
// the model reads of a sequence as text while a terminal shows nothing: the final byte of a CSI
// or escape sequence (ESC # c, ESC [ 1 c); the last parameter byte of a CSI cut short by the
// next sequence (ESC [ 1 5 ESC ...: the 5, a digit that cannot be a final byte); the text of a
// string sequence, an OSC's without its leading number (ESC ] 0 ; c BEL: the c).
func keepFinal(s string, i, n, limit int, nt *normText) int {
	limit = min(limit, i+maxSeqLen)
	j := i + n
	csi, str, osc := false, false, false
	if n == 1 {
		if j >= limit {
			return j
		}
		switch c := s[j]; {
		case c == '[':
			csi, j = true, j+1
		case isStringIntroducer(c):
			str, osc, j = true, c == ']', j+1
		default:
			e := skipEscape(s, i, limit)
			if e > i+1 {
				nt.emitByte(s[e-1], e-1, 1)
			}
			return e
		}
	} else {
		r, _ := utf8.DecodeRuneInString(s[i:])
		csi, str, osc = r == 0x9b, r != 0x9b, r == 0x9d
	}
	switch {
	case csi:
		if e, ok := skipCSI(s, j, limit); ok {
			// With intermediates too (ESC [ 1 8 SP a, where " a" may be text that follows), the
			// last parameter byte may be the character: keep it before the final byte.
			if k := lastParam(s, j, e); k >= 0 && k < e-2 {
				nt.emitByte(s[k], k, 1)
			}
			nt.emitByte(s[e-1], e-1, 1)
			return e
		}
		k := j
		for k < limit && s[k] >= 0x20 && s[k] <= 0x3f {
			k++
		}
		if k > j {
			nt.emitByte(s[k-1], k-1, 1)
		}
		return k
	case str:
		e, ok := skipString(s, j, limit)
		if !ok {
			return j
		}
		end := e - 2
		if s[e-1] == 0x07 {
			end = e - 1
		}
		if osc {
			k := j
			for k < end && isDigit(s[k]) {
				k++
			}
			if k < end && s[k] == ';' {
				j = k + 1
			}
		}
		for p := j; p < end; {
			if s[p] < 0x80 {
				nt.emitByte(s[p], p, 1)
				p++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[p:end])
			nt.emitRune(r, p, size)
			p += size
		}
		return e
	}
	return j
}

// lastParam returns the index of the last parameter byte (0x30-0x3F) of the CSI body that
// starts at s[j] and ends before e, or -1 when it has none.
func lastParam(s string, j, e int) int {
	k := j
	for k < e && s[k] >= 0x30 && s[k] <= 0x3f {
		k++
	}
	if k == j {
		return -1
	}
	return k - 1
}
