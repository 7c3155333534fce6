package redact

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A secret spelled out with separators between its characters, or partly escaped, is found by
// searching a normalized copy of the text: separators are dropped and (in one view) escapes
// are decoded, while every kept byte remembers where it came from. Secrets are normalized the
// same way, so a match in the copy maps back to a span of the original text.

// streamKind names one normalized view of a text.
type streamKind uint8

const (
	// streamSep drops separator bytes, invisible characters and terminal control sequences
	// (terminal.go).
	streamSep streamKind = iota
	// streamBare is streamSep without parsing control sequences: ESC (or a C1 control) and
	// '[' are dropped as single separators and the sequence's parameters, final byte and text
	// are kept. It catches a secret whose first characters a preceding unterminated sequence
	// would otherwise swallow, and one written inside a window title or as the final bytes of
	// escape sequences, which the model reads as text.
	streamBare
	// streamEsc is streamSep plus decoding of backslash escapes (\uXXXX, \xXX, \n, \" ...)
	// and percent-encoding (%XX).
	streamEsc
	// streamFinal is streamSep that keeps, of each control sequence, what a model reads as text
	// though a terminal shows nothing (keepFinal): a secret written one character per sequence,
	// as its final byte (ESC # c, ESC [ 1 c), as the last parameter of a CSI cut short
	// (ESC [ 1 5 ESC), or as the text of a string sequence (ESC ] 0 ; c BEL). It is searched
	// with streamSep's matcher, since secrets normalize the same way in both.
	streamFinal
)

// Byte classes of the normalizer.
const (
	clsPlain uint8 = iota
	clsSep
	clsESC
	clsBackslash
	clsPercent
	clsNonASCII // a byte of a multi-byte character or an invalid byte: decode, then decide
)

// separatorPunct are the punctuation bytes treated as separators, besides ASCII white space
// and control characters: every ASCII punctuation character but \ and %, which start escapes
// in streamEsc and are separators in the other views (byteClassNoEsc).
const separatorPunct = ",;:-_.|'\"`()[]{}<>/+=*!?~^#$&@"

var byteClass = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = clsSep
	}
	t[' '], t[0x7f] = clsSep, clsSep
	for i := 0; i < len(separatorPunct); i++ {
		t[separatorPunct[i]] = clsSep
	}
	t[0x1b] = clsESC
	t['\\'] = clsBackslash
	t['%'] = clsPercent
	for c := 0x80; c < 0x100; c++ {
		t[c] = clsNonASCII
	}
	return t
}()

// byteClassNoEsc is byteClass for the views that decode no escapes: there \ and % are
// separators like the other punctuation ("\\".join(secret) is spelled out).
var byteClassNoEsc = func() [256]uint8 {
	t := byteClass
	t['\\'], t['%'] = clsSep, clsSep
	return t
}()

// sepBMP marks the separator characters of the Basic Multilingual Plane (see isSepRune).
var sepBMP = func() *[1 << 16 / 64]uint64 {
	var t [1 << 16 / 64]uint64
	set := func(r rune) { t[r>>6] |= 1 << (r & 63) }
	for _, tab := range sepTables {
		for _, rg := range tab.R16 {
			for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
				set(r)
			}
		}
	}
	for _, r := range sepExtra {
		set(r)
	}
	return &t
}()

// sepTables are the Unicode categories whose characters are separators: format characters
// (zero-width space and joiners, BOM, invisible operators, bidi marks, tag characters),
// non-spacing and enclosing combining marks (variation selectors, combining low line, the
// grapheme joiner), space, line and paragraph separators, control characters (C0, DEL, C1
// such as NEL), and all punctuation and symbols (bullets, dashes, arrows, ellipses, CJK
// commas, emoji): between the characters of a secret, any of them only spells it out.
var sepTables = []*unicode.RangeTable{unicode.Cf, unicode.Mn, unicode.Me, unicode.Zs, unicode.Zl,
	unicode.Zp, unicode.Cc, unicode.P, unicode.S}

// sepExtra are blank characters of other categories: the Hangul fillers, the braille blank,
// and the replacement character (what invalid bytes become when output is made valid UTF-8).
var sepExtra = []rune{0x115f, 0x1160, 0x3164, 0xffa0, 0x2800, utf8.RuneError}

// isSepRune reports whether r is a separator: ASCII white space, control or separator
// punctuation, or an invisible, blank or combining Unicode character (sepTables, sepExtra).
func isSepRune(r rune) bool {
	if r < 0x80 { // a character: \ and % are punctuation here, not the start of an escape
		c := byteClassNoEsc[r]
		return c == clsSep || c == clsESC
	}
	if r < 1<<16 {
		return sepBMP[r>>6]&(1<<(r&63)) != 0
	}
	if r >= 0xe0000 && r <= 0xe0fff { // tags and variation selectors supplement
		return true
	}
	return unicode.In(r, sepTables...)
}

// normText is a normalized text: b[i] came from the token of tl[i] bytes at pos[i] of the
// original. A normalized text is never longer than its original.
type normText struct {
	b   []byte
	pos []int32
	tl  []uint8
	n   int
}

func (nt *normText) emit(c byte, p, l int) {
	nt.b[nt.n], nt.pos[nt.n], nt.tl[nt.n] = c, int32(p), uint8(l)
	nt.n++
}

// emitRune appends the decoded character r as emitChar does.
func (nt *normText) emitRune(r rune, p, l int) {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	nt.emitChar(string(buf[:n]), r, p, l)
}

// emitChar appends the decoded character c (r), which l bytes at p of the text wrote: folded to
// ASCII (foldASCII), dropped as a separator, or as it is.
func (nt *normText) emitChar(c string, r rune, p, l int) {
	if r >= 0x80 && foldASCII(c, p, l, nt) {
		return
	}
	if isSepRune(r) {
		return
	}
	for k := 0; k < len(c); k++ {
		nt.emit(c[k], p, l)
	}
}

// emitByte appends a decoded byte unless it is an ASCII separator.
func (nt *normText) emitByte(c byte, p, l int) {
	if c < 0x80 && isSepRune(rune(c)) {
		return
	}
	nt.emit(c, p, l)
}

// normalize writes the kind view of s into nt. Protected spans (markers of earlier
// redactions) are copied verbatim and no token crosses their bounds.
func normalize(kind streamKind, s string, prot []span, nt *normText) {
	if cap(nt.b) < len(s) {
		nt.b, nt.pos, nt.tl = make([]byte, len(s)), make([]int32, len(s)), make([]uint8, len(s))
	}
	nt.b, nt.pos, nt.tl, nt.n = nt.b[:len(s)], nt.pos[:len(s)], nt.tl[:len(s)], 0
	classes := &byteClass
	if kind != streamEsc {
		classes = &byteClassNoEsc
	}
	pi := 0
	for i := 0; i < len(s); {
		limit := len(s)
		if pi < len(prot) {
			if i >= prot[pi].start {
				for j := i; j < prot[pi].end; j++ {
					nt.emit(s[j], j, 1)
				}
				i = prot[pi].end
				pi++
				continue
			}
			limit = prot[pi].start
		}
		// The common case: plain bytes and single-byte separators.
		b, pos, tl, n := nt.b, nt.pos, nt.tl, nt.n
		for i < limit {
			c := s[i]
			cls := classes[c]
			if cls == clsPlain {
				b[n], pos[n], tl[n] = c, int32(i), 1
				n++
				i++
				continue
			}
			if cls != clsSep {
				break
			}
			i++
		}
		nt.n = n
		if i >= limit {
			continue
		}
		c := s[i]
		switch classes[c] {
		case clsESC:
			switch kind {
			case streamBare:
				i++
			case streamFinal:
				i = keepFinal(s, i, 1, limit, nt)
			default:
				i = skipEscape(s, i, limit)
			}
		case clsNonASCII:
			r, n := utf8.DecodeRuneInString(s[i:limit])
			switch {
			case kind == streamFinal && isC1Introducer(r):
				i = keepFinal(s, i, n, limit, nt)
			case kind != streamBare && isC1Introducer(r):
				i = skipC1(s, i, limit, r, n)
			case foldASCII(s[i:i+n], i, n, nt): // before separators: circled letters are symbols
				i += n
			case isSepRune(r): // invalid bytes too: they decode as utf8.RuneError
				i += n
			default:
				for j := i; j < i+n; j++ {
					nt.emit(s[j], j, 1)
				}
				i += n
			}
		case clsBackslash: // streamEsc only
			i = decodeBackslash(s, i, limit, nt)
		case clsPercent: // streamEsc only
			i = decodeHexEscape(s, i, limit, 3, nt)
		}
	}
	nt.b, nt.pos, nt.tl = nt.b[:nt.n], nt.pos[:nt.n], nt.tl[:nt.n]
}

// foldASCII writes the character c (at p, n bytes) as the ASCII letter or digit its
// compatibility decomposition holds, and reports whether it did: fullwidth, mathematical,
// circled, parenthesized, superscript and subscript letters and digits read as plain ones
// (NFKC folds them so), and accented letters as their base letter (the decomposition's
// combining marks are separators), so a secret written in them is spelled out. A symbol whose
// decomposition holds several (™, №) is a separator, not letters; a letter that does (the
// ligature ﬁ) folds to all of them. The normalized text stays no longer than the original.
func foldASCII(c string, p, n int, nt *normText) bool {
	d := norm.NFKD.PropertiesString(c).Decomposition()
	if len(d) == 0 {
		return false
	}
	var alnum [utf8.UTFMax]byte
	count := 0
	for k := 0; k < len(d); {
		r, w := utf8.DecodeRune(d[k:])
		switch {
		case r < 0x80 && isASCIIAlnum(byte(r)):
			if count == len(alnum) {
				return false
			}
			alnum[count] = byte(r)
			count++
		case !isSepRune(r):
			return false // a decomposition that keeps a non-ASCII letter: not an ASCII look-alike
		}
		k += w
	}
	if count == 0 || count > n {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(c); count > 1 && !unicode.IsLetter(r) {
		return false
	}
	for _, b := range alnum[:count] {
		nt.emit(b, p, n)
	}
	return true
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// normalizeString returns the kind view of s alone.
func normalizeString(kind streamKind, s string) string {
	var nt normText
	normalize(kind, s, nil, &nt)
	return string(nt.b)
}

// decodeBackslash decodes the escape at s[i] == '\\' into nt and returns the index after it.
func decodeBackslash(s string, i, limit int, nt *normText) int {
	if i+1 < limit {
		switch s[i+1] {
		case 'u':
			if r, ok := hexRune(s, i+2, 4, limit); ok {
				if !utf16.IsSurrogate(r) {
					nt.emitRune(r, i, 6)
					return i + 6
				}
				if i+12 <= limit && s[i+6] == '\\' && s[i+7] == 'u' {
					if r2, ok := hexRune(s, i+8, 4, limit); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							nt.emitRune(d, i, 12)
							return i + 12
						}
					}
				}
			}
		case 'U':
			if r, ok := hexRune(s, i+2, 8, limit); ok && utf8.ValidRune(r) {
				nt.emitRune(r, i, 10)
				return i + 10
			}
		case 'x':
			if _, ok := hexByte(s, i+2, limit); ok {
				return decodeHexEscape(s, i, limit, 4, nt)
			}
		case 'n', 't', 'r', 'f', 'b', 'v', 'a', '"', '\'':
			return i + 2 // an escaped separator
		case '\\', '/':
			nt.emitByte(s[i+1], i, 2)
			return i + 2
		}
	}
	return i + 1 // a backslash that escapes nothing is punctuation: a separator
}

// decodeHexEscape decodes the byte escape of width bytes at s[i] (%XX: 3, \xXX: 4) into nt and
// returns the index after what it decoded. A UTF-8 character written as several escapes of the
// same form (%C2%B7, \xef\xbc\xa1) is decoded whole, so it is a separator or folds as it would
// printed; a % that starts no escape is punctuation, a separator.
func decodeHexEscape(s string, i, limit, width int, nt *normText) int {
	b, ok := hexByte(s, i+width-2, limit)
	if !ok {
		return i + 1
	}
	if need := utf8SeqLen(b); need > 1 {
		var buf [utf8.UTFMax]byte
		buf[0] = b
		j := i + width
		for k := 1; k < need; k++ {
			c, ok := hexByte(s, j+width-2, limit)
			if !ok || s[j] != s[i] || (width == 4 && s[j+1] != 'x') || c&0xc0 != 0x80 {
				break
			}
			buf[k], j = c, j+width
			if k == need-1 {
				if r, n := utf8.DecodeRune(buf[:need]); n == need {
					nt.emitChar(string(buf[:need]), r, i, j-i)
					return j
				}
			}
		}
	}
	nt.emitByte(b, i, width)
	return i + width
}

// utf8SeqLen returns the length of the UTF-8 sequence lead starts, or 1 for any other byte.
func utf8SeqLen(lead byte) int {
	switch {
	case lead >= 0xc2 && lead <= 0xdf:
		return 2
	case lead >= 0xe0 && lead <= 0xef:
		return 3
	case lead >= 0xf0 && lead <= 0xf4:
		return 4
	}
	return 1
}

// hexByte decodes the two hex digits at s[i:i+2].
func hexByte(s string, i, limit int) (byte, bool) {
	r, ok := hexRune(s, i, 2, limit)
	return byte(r), ok
}

// hexRune decodes the n hex digits at s[i:i+n].
func hexRune(s string, i, n, limit int) (rune, bool) {
	if i+n > limit {
		return 0, false
	}
	var r rune
	for j := i; j < i+n; j++ {
		v := unhex(s[j])
		if v < 0 {
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
