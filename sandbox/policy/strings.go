package policy

// String literals. Plain strings are skipped in one go; an f-string pushes a
// frame, and its literal text, replacement fields and format specs are then
// scanned step by step by the main loop (see tokenize).

// isStringPrefix reports whether p is a string prefix: any case of r, u, b, f,
// t, br, rb, fr, rf, tr, rt.
func isStringPrefix(p string) bool {
	if len(p) > 2 {
		return false
	}
	var u, b, f, r int
	for i := 0; i < len(p); i++ {
		switch p[i] | 0x20 { // ASCII lower case
		case 'u':
			u++
		case 'b':
			b++
		case 'f', 't':
			f++
		case 'r':
			r++
		default:
			return false
		}
	}
	if len(p) == 1 {
		return true
	}
	return u == 0 && r == 1 && b+f == 1
}

// stringLit scans a string literal whose prefix (possibly empty) starts at
// start and whose opening quote is at s.pos. An f-string only pushes a frame;
// its body is scanned by fstringStep.
func (s *scanner) stringLit(start int, prefix string) {
	src, q := s.src, s.src[s.pos]
	triple := s.pos+2 < len(src) && src[s.pos+1] == q && src[s.pos+2] == q
	raw, fstr := false, false
	for i := 0; i < len(prefix); i++ {
		switch prefix[i] | 0x20 {
		case 'r':
			raw = true
		case 'f', 't':
			fstr = true
		}
	}
	s.send(tkString, "", start)
	if triple {
		s.pos += 3
	} else {
		s.pos++
	}
	if fstr {
		s.push(frame{kind: frFString, quote: q, triple: triple, raw: raw})
		return
	}
	for s.pos < len(src) {
		switch c := src[s.pos]; {
		case c == '\\': // an escape; in raw strings too, the quote after it does not end the string
			s.pos = skipEscaped(src, s.pos)
		case c == q:
			if s.closes(q, triple) {
				return
			}
			s.pos++
		case (c == '\n' || c == '\r') && !triple:
			return // unterminated: ends at the end of the line, as in CPython
		default:
			s.pos++
		}
	}
}

// closes reports whether the quote q at s.pos closes a string and, if so,
// consumes the closing quotes.
func (s *scanner) closes(q byte, triple bool) bool {
	if !triple {
		s.pos++
		return true
	}
	if s.pos+2 < len(s.src) && s.src[s.pos+1] == q && s.src[s.pos+2] == q {
		s.pos += 3
		return true
	}
	return false
}

// fstringStep scans the literal text of the f-string s.stack[i].
func (s *scanner) fstringStep(i int) {
	f, src, start := s.stack[i], s.src, s.pos
	next := byte(0)
	if start+1 < len(src) {
		next = src[start+1]
	}
	switch c := src[start]; {
	case c == f.quote:
		if s.closes(f.quote, f.triple) {
			s.pop()
			return
		}
		s.pos++
	case c == '\\':
		switch {
		case next == '{' || next == '}': // a backslash does not escape a brace
			s.pos++
		case next == 'N' && !f.raw && start+2 < len(src) && src[start+2] == '{':
			s.pos = skipNamedEscape(src, start+3, f.quote)
		default:
			s.pos = skipEscaped(src, start)
		}
	case c == '{' && next == '{', c == '}' && next == '}':
		s.pos += 2
	case c == '{':
		s.pos++
		s.send(tkOp, "{", start)
		s.push(frame{kind: frField, quote: f.quote, triple: f.triple})
	case (c == '\n' || c == '\r') && !f.triple:
		s.pop() // unterminated
	default: // a lone '}' is an error in Python; skip it
		s.pos++
	}
}

// specStep scans the format spec s.stack[i] of a replacement field: literal
// text with nested replacement fields, up to the '}' that ends the field.
// The spec frame carries the quote of its f-string.
func (s *scanner) specStep(i int) {
	f, src, start := s.stack[i], s.src, s.pos
	c := src[start]
	switch {
	case c == f.quote && (!f.triple || start+2 < len(src) && src[start+1] == c && src[start+2] == c),
		(c == '\n' || c == '\r') && !f.triple:
		s.pop() // the f-string ends here (or is unterminated); fstringStep handles it
	case c == '{':
		s.pos++
		s.send(tkOp, "{", start)
		s.push(frame{kind: frField, quote: f.quote, triple: f.triple})
	case c == '}':
		s.pos++
		s.send(tkOp, "}", start)
		s.pop()
	case c == '\\':
		if start+1 < len(src) && (src[start+1] == '{' || src[start+1] == '}') {
			s.pos++
		} else {
			s.pos = skipEscaped(src, start)
		}
	default:
		s.pos++
	}
}

// skipEscaped returns the offset after the backslash at i and the character
// it escapes (a line break counts as one character).
func skipEscaped(src string, i int) int {
	i++
	if i >= len(src) {
		return i
	}
	if n := newlineLen(src, i); n > 0 {
		return i + n
	}
	return i + 1 // continuation bytes of a multi-byte rune are never special
}

// skipNamedEscape skips the name of a \N{...} escape starting at i, stopping
// early at the quote or a line break.
func skipNamedEscape(src string, i int, quote byte) int {
	for ; i < len(src); i++ {
		switch src[i] {
		case '}':
			return i + 1
		case quote, '\n', '\r':
			return i
		}
	}
	return i
}
