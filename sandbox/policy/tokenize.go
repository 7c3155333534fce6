package policy

import "unicode/utf8"

// The tokenizer is a small, forgiving cousin of CPython's: it finds the NAME,
// OP, NUMBER and STRING tokens the rules need and skips comments and the text
// of string literals. It never fails: input that Python would reject is
// tokenized as best it can, which only matters for code that cannot run.
//
// F-strings (and t-strings, Python 3.14) follow Python 3.12 (PEP 701): the
// code in a replacement field is tokenized like any other code, including
// strings with the enclosing quote, comments and newlines. For code that
// Python 3.11 accepts this gives the same tokens, because 3.11 forbids the
// enclosing quote inside a field.
//
// Nesting (f-string, field, format spec, f-string in the field, ...) is kept
// on an explicit stack, so deep nesting costs memory proportional to the
// input, not Go stack, and every step of the loop consumes input or pops a
// frame: the scan always terminates.

// tokKind is the kind of a token.
type tokKind uint8

const (
	tkName    tokKind = iota + 1 // identifier or keyword; non-ASCII folded (see foldIdent)
	tkOp                         // one ASCII punctuation character
	tkNumber                     // numeric literal
	tkString                     // the start of a string literal
	tkNewline                    // the end of a logical line (outside brackets)
)

// token is one token; text is only set for tkName and tkOp.
type token struct {
	kind tokKind
	text string
	off  int // byte offset of the token in the source
}

// frameKind says what the scanner is inside of.
type frameKind uint8

const (
	frFString frameKind = iota + 1 // the literal text of an f-string
	frField                        // the code of a replacement field
	frSpec                         // the format spec of a replacement field
)

// frame is one level of f-string nesting.
type frame struct {
	kind   frameKind
	quote  byte // the quote character of the (innermost) f-string
	triple bool // that f-string is triple-quoted
	raw    bool // frFString: r prefix
	depth  int  // frField: bracket depth inside the field
}

// scanner tokenizes src and hands each token to emit until emit returns false.
type scanner struct {
	src   string
	pos   int
	depth int // bracket depth of the top-level code
	stack []frame
	emit  func(token) bool
	done  bool
}

// tokenize calls emit for every token of src in source order until emit
// returns false or the input ends.
func tokenize(src string, emit func(token) bool) {
	s := scanner{src: src, emit: emit}
	for s.pos < len(s.src) && !s.done {
		n := len(s.stack)
		if n == 0 {
			s.codeStep(-1)
			continue
		}
		switch s.stack[n-1].kind {
		case frFString:
			s.fstringStep(n - 1)
		case frField:
			s.codeStep(n - 1)
		case frSpec:
			s.specStep(n - 1)
		}
	}
	s.send(tkNewline, "", len(s.src)) // like CPython, end the last logical line
}

// send hands a token to emit, and stops the scan when emit says so.
func (s *scanner) send(kind tokKind, text string, off int) {
	if !s.done && !s.emit(token{kind: kind, text: text, off: off}) {
		s.done = true
	}
}

func (s *scanner) push(f frame) { s.stack = append(s.stack, f) }
func (s *scanner) pop()         { s.stack = s.stack[:len(s.stack)-1] }

// codeStep scans one token (or blank, comment, continuation) of code: top-level
// code when field < 0, else the replacement field s.stack[field].
func (s *scanner) codeStep(field int) {
	src, start := s.src, s.pos
	c := src[start]
	switch {
	case c == ' ' || c == '\t' || c == '\f':
		s.pos++
	case c == '\n' || c == '\r':
		s.pos += newlineLen(src, start)
		if field < 0 && s.depth == 0 {
			s.send(tkNewline, "", start)
		}
	case c == '\\': // line continuation; a stray backslash is skipped
		s.pos += 1 + newlineLen(src, start+1)
	case c == '#':
		for s.pos < len(src) && src[s.pos] != '\n' && src[s.pos] != '\r' {
			s.pos++
		}
	case c == '\'' || c == '"':
		s.stringLit(start, "")
	case '0' <= c && c <= '9':
		s.pos = skipNumber(src, start)
		s.send(tkNumber, "", start)
	case c < utf8.RuneSelf && isASCIIIdent(c), c >= utf8.RuneSelf:
		s.name(start)
	case c == '(' || c == '[' || c == '{':
		s.bracket(field, +1)
		s.pos++
		s.send(tkOp, src[start:s.pos], start)
	case c == ')' || c == ']' || c == '}':
		s.pos++
		s.send(tkOp, src[start:s.pos], start)
		if c == '}' && field >= 0 && s.stack[field].depth == 0 {
			s.pop() // end of the replacement field
			return
		}
		s.bracket(field, -1)
	case c == ':' && field >= 0 && s.stack[field].depth == 0:
		s.pos++
		s.send(tkOp, ":", start)
		s.stack[field].kind = frSpec
	case c < ' ' || c == 0x7f: // control characters: Python rejects them
		s.pos++
	default:
		s.pos++
		s.send(tkOp, src[start:s.pos], start)
	}
}

// bracket adjusts the bracket depth of the field or the top-level code,
// never below zero.
func (s *scanner) bracket(field, delta int) {
	d := &s.depth
	if field >= 0 {
		d = &s.stack[field].depth
	}
	if *d+delta >= 0 {
		*d += delta
	}
}

// name scans an identifier starting at start, or a prefixed string literal.
// A non-ASCII rune that cannot be part of an identifier is skipped like blank.
func (s *scanner) name(start int) {
	src := s.src
	i, ascii := start, true
	for i < len(src) {
		if c := src[i]; c < utf8.RuneSelf {
			if !isASCIIIdent(c) {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if !isIdentRune(r) {
			break
		}
		ascii = false
		i += size
	}
	if i == start { // not an identifier character
		_, size := utf8.DecodeRuneInString(src[start:])
		s.pos = start + size
		return
	}
	s.pos = i
	text := src[start:i]
	if i < len(src) && (src[i] == '\'' || src[i] == '"') && isStringPrefix(text) {
		s.stringLit(start, text)
		return
	}
	if !ascii {
		text = foldIdent(text)
	}
	s.send(tkName, text, start)
}

// newlineLen returns the length of the line break at src[i] (\n, \r\n or
// \r), or 0.
func newlineLen(src string, i int) int {
	if i >= len(src) {
		return 0
	}
	switch src[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(src) && src[i+1] == '\n' {
			return 2
		}
		return 1
	}
	return 0
}

// isASCIIIdent reports whether c is an ASCII identifier character.
func isASCIIIdent(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// skipNumber returns the offset after the numeric literal at src[i] (a
// digit), following Python's grammar loosely. What follows the literal is
// scanned as the next token: in "1if x" that is the keyword, and in
// "1subprocess" (a syntax error) the name still counts.
func skipNumber(src string, i int) int {
	digits := func(i int, ok func(byte) bool) int { // digits, and "_" between digits
		for i < len(src) && (ok(src[i]) || src[i] == '_' && i+1 < len(src) && ok(src[i+1])) {
			i++
		}
		return i
	}
	isDec := func(c byte) bool { return '0' <= c && c <= '9' }
	if src[i] == '0' && i+1 < len(src) {
		switch src[i+1] | 0x20 {
		case 'x':
			return digits(i+2, func(c byte) bool { return isDec(c) || 'a' <= c|0x20 && c|0x20 <= 'f' })
		case 'o':
			return digits(i+2, func(c byte) bool { return '0' <= c && c <= '7' })
		case 'b':
			return digits(i+2, func(c byte) bool { return c == '0' || c == '1' })
		}
	}
	i = digits(i, isDec)
	if i < len(src) && src[i] == '.' {
		i = digits(i+1, isDec)
	}
	if i < len(src) && src[i]|0x20 == 'e' {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDec(src[j]) {
			i = digits(j, isDec)
		}
	}
	if i < len(src) && src[i]|0x20 == 'j' {
		i++
	}
	return i
}
