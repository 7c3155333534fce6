package policy

import "strings"

// Rule is one named check of a policy. It matches where its token pattern
// matches the Python tokens of the code (comments and string literals are not
// tokens; code in f-string replacement fields is), or where its substring
// occurs in the raw source text. A rule may have either or both.
type Rule struct {
	// Name identifies the rule in violations, e.g. "eval".
	Name string
	// Description says what the rule catches, e.g. "call of eval".
	Description string

	tokens    []tokSpec // consecutive tokens; empty: no token pattern
	notAfter  []string  // names that cancel a token match when they come just before it
	notMethod bool      // a "." just before cancels the match: x.eval( calls a method, not the builtin
	decorator bool      // tokens[0] ending a decorator line matches too: @eval is a call of eval
	substr    string    // literal substring of the source; empty: none
}

// tokSpec is one token of a pattern: its kind and exact (folded) text.
type tokSpec struct {
	kind tokKind
	text string
}

// maxPattern bounds the tokens of a pattern plus the one before it (notAfter).
const maxPattern = 8

func nameTok(s string) tokSpec { return tokSpec{tkName, s} }
func opTok(s string) tokSpec   { return tokSpec{tkOp, s} }

// call is the token pattern of a call of fn: the name, then "(", or the name
// at the end of a decorator line (@eval, @x.eval: the decorated function is
// passed to it). "def eval(" and "class exec(" define, not call, and do not
// match.
func call(ruleName, desc, fn string) Rule {
	return Rule{Name: ruleName, Description: desc, tokens: []tokSpec{nameTok(fn), opTok("(")},
		notAfter: []string{"def", "class"}, notMethod: true, decorator: true}
}

// builtinRules returns the rules of the default policy; strict adds open and
// sets every substring. The eval and exec rules match calls of the builtins,
// not of methods of that name: model.eval() (PyTorch), df.eval() (pandas) and
// app.exec() (Qt) are everyday code. builtins.eval(...) passes too; the lint
// cannot stop indirection anyway, the container contains it.
func builtinRules(strict bool) []Rule {
	rules := []Rule{
		{Name: "subprocess", Description: "use of the subprocess module", tokens: []tokSpec{nameTok("subprocess")}},
		{Name: "os.system", Description: "call of os.system", tokens: []tokSpec{nameTok("os"), opTok("."), nameTok("system")}},
		call("eval", "call of eval", "eval"),
		call("exec", "call of exec", "exec"),
		{Name: "__import__", Description: "use of __import__", tokens: []tokSpec{nameTok("__import__")}},
	}
	if !strict {
		return rules
	}
	rules = append(rules, call("open", "call of open", "open"))
	substr := map[string]string{
		"subprocess": "subprocess", "os.system": "os.system", "eval": "eval(",
		"exec": "exec(", "__import__": "__import__", "open": "open(",
	}
	for i := range rules {
		rules[i].substr = substr[rules[i].Name]
	}
	return rules
}

// builtinDescription returns the description of a built-in rule, or "".
func builtinDescription(ruleName string) string {
	for _, r := range strictPolicy.rules { // strict has every built-in rule
		if r.Name == ruleName {
			return r.Description
		}
	}
	return ""
}

// hit is the earliest match found so far; rule is nil while there is none.
type hit struct {
	rule *Rule
	off  int
}

// offer records a match of r at byte offset off if it is the earliest yet;
// on a tie the rule offered first wins.
func (h *hit) offer(r *Rule, off int) {
	if h.rule == nil || off < h.off {
		h.rule, h.off = r, off
	}
}

// matchTokens finds the earliest token-pattern match of rules in code.
func matchTokens(code string, rules []*Rule, h *hit) {
	m := tokenMatcher{rules: rules, last: make([]tokSpec, len(rules)), left: -1, h: h}
	for i, r := range rules {
		m.last[i] = r.tokens[len(r.tokens)-1]
	}
	tokenize(code, m.push)
}

// tokenMatcher matches token patterns against a window of the last tokens.
type tokenMatcher struct {
	rules []*Rule
	last  []tokSpec         // the last token of each rule's pattern
	win   [maxPattern]token // ring of the last tokens
	n     int               // tokens seen
	left  int               // tokens still to look at after the first match; -1: no match yet
	deco  bool              // the current logical line starts with "@": a decorator
	h     *hit
}

// push adds t to the window, records the matches that end at t, and reports
// whether scanning should go on.
func (m *tokenMatcher) push(t token) bool {
	lineStart := m.n == 0 || m.win[(m.n-1)%maxPattern].kind == tkNewline
	if t.kind == tkNewline && m.deco && !lineStart {
		m.decorator(m.win[(m.n-1)%maxPattern])
	}
	if lineStart {
		m.deco = t.kind == tkOp && t.text == "@"
	}
	m.win[m.n%maxPattern] = t
	m.n++
	for i := range m.last {
		if !tokenIs(t, m.last[i]) {
			continue
		}
		r := m.rules[i]
		k := len(r.tokens)
		if k <= m.n && m.tailMatches(r) {
			m.found(r, m.win[(m.n-k)%maxPattern].off)
		}
	}
	if m.left >= 0 {
		m.left--
		return m.left > 0
	}
	return true
}

// decorator records the rules whose name last ends a decorator line.
func (m *tokenMatcher) decorator(last token) {
	for _, r := range m.rules {
		if r.decorator && tokenIs(last, r.tokens[0]) {
			m.found(r, last.off)
		}
	}
}

// found records a match of r at off.
func (m *tokenMatcher) found(r *Rule, off int) {
	m.h.offer(r, off)
	if m.left < 0 {
		// A pattern that starts earlier ends within maxPattern tokens.
		m.left = maxPattern
	}
}

// tailMatches reports whether the window ends with r's pattern, not preceded
// by one of r.notAfter.
func (m *tokenMatcher) tailMatches(r *Rule) bool {
	k := len(r.tokens)
	for j := 0; j < k-1; j++ {
		if !tokenIs(m.win[(m.n-k+j)%maxPattern], r.tokens[j]) {
			return false
		}
	}
	if m.n > k {
		prev := m.win[(m.n-k-1)%maxPattern]
		for _, na := range r.notAfter {
			if prev.kind == tkName && prev.text == na {
				return false
			}
		}
		if r.notMethod && prev.kind == tkOp && prev.text == "." {
			return false
		}
	}
	return true
}

func tokenIs(t token, s tokSpec) bool { return t.kind == s.kind && t.text == s.text }

// matchSubstrings finds the earliest substring match of rules in code.
func matchSubstrings(code string, rules []*Rule, h *hit) {
	for _, r := range rules {
		if i := strings.Index(code, r.substr); i >= 0 {
			h.offer(r, i)
		}
	}
}
