package policy

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Limits of a policy file.
const (
	maxFileSize   = 1 << 20 // bytes of a policy file
	maxFileErrors = 50      // mistakes reported one by one; the rest are counted
)

// directives lists the directives of a policy file, for error messages.
const directives = "base, deny, allow-imports, max-code"

// parseFile reads and parses the policy file at path; the format is in the
// package comment.
func parseFile(path string) (*Policy, error) {
	src, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy %q is not %s, %s or %s, and cannot be read as a policy file: %w",
			path, nameDefault, nameStrict, nameOff, err)
	}
	return parsePolicyFile(path, src)
}

// readFile reads the file at path, at most maxFileSize bytes.
func readFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return "", err
	}
	if len(data) > maxFileSize {
		return "", fmt.Errorf("%s is larger than %d bytes", path, maxFileSize)
	}
	return string(data), nil
}

// fileError is one mistake in a policy file; line is 0 for the file as a whole.
type fileError struct {
	file string
	line int
	msg  string
}

func (e *fileError) Error() string {
	if e.line == 0 {
		return e.file + ": " + e.msg
	}
	return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg)
}

// fileParser collects the directives and mistakes of one policy file.
type fileParser struct {
	file string
	errs []*fileError

	first       int    // line of the first directive; 0: none yet
	firstWord   string // its directive word
	base        *Policy
	baseLine    int
	rules       []Rule
	allow       map[string]bool
	allowLine   int
	maxCode     int
	maxCodeLine int
}

// parsePolicyFile parses src, the text of the policy file named file.
func parsePolicyFile(file, src string) (*Policy, error) {
	p := &fileParser{file: file}
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if i == 0 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		p.line(i+1, line)
	}
	if p.baseLine == 0 {
		if p.first == 0 {
			p.errorf(0, "no directives: a policy file starts with base %s, base %s or base %s", nameDefault, nameStrict, nameOff)
		} else {
			p.errorf(p.first, "missing base: the first directive must be base %s, base %s or base %s, got %q",
				nameDefault, nameStrict, nameOff, p.firstWord)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	rules := slices.Concat(p.base.rules, p.rules)
	var imports *importRule
	if p.allow != nil {
		imports = &importRule{allow: p.allow, line: p.allowLine}
		rules = append(rules, imports.listed())
	}
	pol := newPolicy("file:"+file, rules)
	pol.imports = imports
	pol.maxCode = p.maxCode
	return pol, nil
}

// errorf records a mistake on line n (0: the whole file).
func (p *fileParser) errorf(n int, format string, args ...any) {
	p.errs = append(p.errs, &fileError{file: p.file, line: n, msg: fmt.Sprintf(format, args...)})
}

// err returns the mistakes in line order, the first maxFileErrors of them one
// by one, or nil.
func (p *fileParser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(p.errs, func(a, b *fileError) int { return cmp.Compare(a.line, b.line) })
	errs := make([]error, 0, min(len(p.errs), maxFileErrors)+1)
	for _, e := range p.errs[:min(len(p.errs), maxFileErrors)] {
		errs = append(errs, e)
	}
	if more := len(p.errs) - maxFileErrors; more > 0 {
		errs = append(errs, fmt.Errorf("%s: %d more mistakes not shown", p.file, more))
	}
	return errors.Join(errs...)
}

// line parses line n of the file.
func (p *fileParser) line(n int, line string) {
	plain, _, _ := strings.Cut(line, "#")
	words := strings.Fields(plain)
	if len(words) == 0 {
		return
	}
	if p.first == 0 {
		p.first, p.firstWord = n, words[0]
	}
	switch words[0] {
	case "base":
		p.setBase(n, words[1:])
	case "deny":
		if len(words) >= 2 && words[1] == "text" {
			p.denyText(n, afterWords(line, 2))
			return
		}
		p.deny(n, words[1:])
	case "allow-imports":
		p.allowImports(n, words[1:])
	case "max-code":
		p.setMaxCode(n, words[1:])
	default:
		p.errorf(n, "unknown directive %q (known: %s)", words[0], directives)
	}
}

// afterWords returns s after its first n blank-separated words, without the
// blanks that follow them.
func afterWords(s string, n int) string {
	for range n {
		s = strings.TrimLeft(s, " \t\v\f")
		if i := strings.IndexAny(s, " \t\v\f"); i >= 0 {
			s = s[i:]
		} else {
			s = ""
		}
	}
	return strings.TrimLeft(s, " \t\v\f")
}

func (p *fileParser) setBase(n int, args []string) {
	if p.baseLine != 0 {
		p.errorf(n, "base repeated (already set at line %d)", p.baseLine)
		return
	}
	p.baseLine = n
	if p.first != n {
		p.errorf(n, "base must be the first directive (line %d comes before it)", p.first)
	}
	if len(args) == 1 {
		if p.base = builtin(args[0]); p.base != nil {
			return
		}
	}
	p.errorf(n, "base needs one of %s, %s or %s, got %q", nameDefault, nameStrict, nameOff, strings.Join(args, " "))
}

// deny parses a deny directive other than deny text: its kind and patterns.
func (p *fileParser) deny(n int, args []string) {
	if len(args) == 0 {
		p.errorf(n, "deny needs a kind and a pattern, e.g. deny call pickle.loads (kinds: name, call, attr, text)")
		return
	}
	kind, pats := args[0], args[1:]
	var example string
	switch kind {
	case "name":
		example = "requests"
	case "call":
		example = "pickle.loads"
	case "attr":
		example = "os.environ"
	default:
		p.errorf(n, "unknown deny kind %q (known: name, call, attr, text)", kind)
		return
	}
	if len(pats) == 0 {
		p.errorf(n, "deny %s needs a name, e.g. deny %s %s", kind, kind, example)
		return
	}
	for _, pat := range pats {
		p.denyPattern(n, kind, pat)
	}
}

// denyPattern adds the rule of one pattern of a deny name, call or attr.
func (p *fileParser) denyPattern(n int, kind, pat string) {
	parts := strings.Split(pat, ".")
	valid := true
	for _, part := range parts {
		valid = valid && isIdentifier(part)
	}
	switch {
	case kind == "name" && (len(parts) != 1 || !valid):
		hint := ""
		if valid {
			hint = " (for a dotted name use deny attr or deny call)"
		}
		p.errorf(n, "deny name needs an identifier, got %q%s", pat, hint)
		return
	case !valid:
		hint := ""
		if strings.ContainsAny(pat, "()") {
			hint = " (without parentheses)"
		}
		p.errorf(n, "deny %s needs a dotted name, got %q%s", kind, pat, hint)
		return
	case kind == "attr" && len(parts) < 2:
		p.errorf(n, "deny attr needs a dotted name such as os.environ, got %q (for a single name use deny name)", pat)
		return
	case len(parts) > maxDotted:
		p.errorf(n, "deny %s: %q has %d parts, at most %d", kind, pat, len(parts), maxDotted)
		return
	}
	var toks []tokSpec
	for i, part := range parts {
		if i > 0 {
			toks = append(toks, opTok("."))
		}
		toks = append(toks, nameTok(part))
	}
	where := fmt.Sprintf(" (policy file line %d)", n)
	switch kind {
	case "name":
		p.rules = append(p.rules, Rule{Name: pat, Description: "use of the name " + pat + where, what: "use of the name " + pat, tokens: toks})
	case "attr":
		p.rules = append(p.rules, Rule{Name: pat, Description: "use of " + pat + where, what: "use of " + pat, tokens: toks})
	case "call":
		if len(parts) == 1 {
			r := call(pat, "call of "+pat+where, pat)
			r.what = "call of " + pat
			p.rules = append(p.rules, r)
			return
		}
		// A dotted callee: x.pickle.loads(…) counts too (over-matching is
		// the safe side), and so does a decorator line ending in it.
		p.rules = append(p.rules, Rule{Name: pat, Description: "call of " + pat + where, what: "call of " + pat,
			tokens: append(toks, opTok("(")), decorator: true})
	}
}

// denyText parses the argument of deny text: the rest of the line up to a
// comment, or a Go-quoted string followed by nothing but a comment.
func (p *fileParser) denyText(n int, rest string) {
	var text string
	if strings.HasPrefix(rest, `"`) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			p.errorf(n, "deny text: bad quoted text %s (a Go string: \"…\" with \\\" and \\\\ escaped)", rest)
			return
		}
		if after, _, _ := strings.Cut(rest[len(q):], "#"); strings.TrimSpace(after) != "" {
			p.errorf(n, "deny text: unexpected %q after the quoted text", strings.TrimSpace(after))
			return
		}
		text, _ = strconv.Unquote(q)
	} else {
		text, _, _ = strings.Cut(rest, "#")
		text = strings.TrimSpace(text)
	}
	if text == "" {
		p.errorf(n, "deny text needs the text to find, e.g. deny text /etc/shadow (quote a text with a #: deny text \"#!\")")
		return
	}
	p.rules = append(p.rules, Rule{Name: text, Description: fmt.Sprintf("text %q in the source (policy file line %d)", text, n),
		what: textRuleWhat, substr: text})
}

func (p *fileParser) allowImports(n int, args []string) {
	var mods []string
	for _, a := range args {
		for m := range strings.SplitSeq(a, ",") {
			if m != "" {
				mods = append(mods, m)
			}
		}
	}
	if len(mods) == 0 {
		p.errorf(n, "allow-imports needs at least one module name, e.g. allow-imports math json")
		return
	}
	if p.allow == nil {
		p.allow, p.allowLine = map[string]bool{}, n
	}
	for _, m := range mods {
		if !isIdentifier(m) {
			hint := ""
			if top, _, ok := strings.Cut(m, "."); ok && isIdentifier(top) {
				hint = fmt.Sprintf(" (allow %s to allow %s)", top, m)
			}
			p.errorf(n, "allow-imports takes top-level module names, got %q%s", m, hint)
			continue
		}
		p.allow[m] = true
	}
}

func (p *fileParser) setMaxCode(n int, args []string) {
	if p.maxCodeLine != 0 {
		p.errorf(n, "max-code repeated (already set at line %d)", p.maxCodeLine)
		return
	}
	p.maxCodeLine = n
	if len(args) == 0 {
		p.errorf(n, "max-code needs a size, e.g. max-code 64KiB")
		return
	}
	size := strings.Join(args, " ")
	v, err := parseSize(strings.Join(args, ""))
	if err != nil {
		p.errorf(n, "max-code: bad size %q: %v", size, err)
		return
	}
	p.maxCode = v
}

// parseSize parses a size: a whole number of bytes, optionally followed by
// a unit, B, K, KB, KiB, M, MB or MiB in any case, all 1024-based.
func parseSize(s string) (int, error) {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	var mult int
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mult = 1
	case "k", "kb", "kib":
		mult = 1 << 10
	case "m", "mb", "mib":
		mult = 1 << 20
	}
	if i == 0 || mult == 0 {
		return 0, errors.New("want a whole number with an optional unit B, KiB or MiB, e.g. 64KiB")
	}
	v, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil || v > math.MaxInt/uint64(mult) {
		return 0, errors.New("too large")
	}
	if v == 0 {
		return 0, errors.New("must be at least 1 byte")
	}
	return int(v) * mult, nil
}

// isIdentifier reports whether s is an ASCII Python identifier.
func isIdentifier(s string) bool {
	if s == "" || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIIIdent(s[i]) {
			return false
		}
	}
	return true
}
