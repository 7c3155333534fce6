package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxExcerpt is the most characters (runes) a Violation's Excerpt holds.
const maxExcerpt = 120

// Violation is the error Check returns: which rule matched and where.
// errors.Is(v, ErrRejected) is true.
type Violation struct {
	// Rule is the name of the rule that matched, e.g. "eval".
	Rule string
	// Line is the 1-based line of the match; \n, \r\n and a lone \r each end a line.
	Line int
	// Col is the 1-based column of the match in characters (runes) of its
	// line; each byte of invalid UTF-8 counts as one character.
	Col int
	// Excerpt is the offending source line, trimmed, at most 120 characters,
	// valid UTF-8. A longer line is cut to a window around the match, with "…"
	// where it was cut.
	Excerpt string

	desc string // the rule's description; "" means look it up by Rule
}

// Error says which rule matched and where, e.g.
// `rejected by policy: rule "eval" (call of eval) at line 3, column 5`.
func (v *Violation) Error() string {
	desc := v.desc
	if desc == "" {
		desc = builtinDescription(v.Rule)
	}
	if desc != "" {
		desc = " (" + desc + ")"
	}
	return fmt.Sprintf("%v: rule %q%s at line %d, column %d", ErrRejected, v.Rule, desc, v.Line, v.Col)
}

// Unwrap returns ErrRejected.
func (v *Violation) Unwrap() error { return ErrRejected }

// newViolation describes a match of r at byte offset off of src.
func newViolation(src string, r *Rule, off int) *Violation {
	line, start := 1, 0
	for i := 0; i < off; i++ {
		switch src[i] {
		case '\n':
			line, start = line+1, i+1
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				continue // counted at the \n
			}
			line, start = line+1, i+1
		}
	}
	end := strings.IndexAny(src[off:], "\r\n")
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	col := 1 + utf8.RuneCountInString(src[start:off])
	return &Violation{Rule: r.Name, Line: line, Col: col, Excerpt: excerpt(src[start:end], col), desc: r.Description}
}

// excerpt trims line and, when it is longer than maxExcerpt runes, cuts it to
// a window that contains column col.
func excerpt(line string, col int) string {
	runes := make([]rune, 0, len(line))
	for len(line) > 0 {
		r, size := utf8.DecodeRuneInString(line) // RuneError for each invalid byte, as columns count
		runes = append(runes, r)
		line = line[size:]
	}
	at := col - 1
	for len(runes) > 0 && unicode.IsSpace(runes[0]) {
		runes, at = runes[1:], at-1
	}
	for len(runes) > 0 && unicode.IsSpace(runes[len(runes)-1]) {
		runes = runes[:len(runes)-1]
	}
	if len(runes) <= maxExcerpt {
		return string(runes)
	}
	from := max(0, at-maxExcerpt/3)
	from = min(from, len(runes)-maxExcerpt)
	w := append([]rune(nil), runes[from:from+maxExcerpt]...)
	if from > 0 {
		w[0] = '…'
	}
	if from+maxExcerpt < len(runes) {
		w[len(w)-1] = '…'
	}
	return string(w)
}
