package policy

import (
	"fmt"
	"strings"
)

// Rule is one named check of a policy. It matches where its token pattern
// matches the Python tokens of the code (comments and string literals are not
// tokens; code in f-string replacement fields is), or where its substring
// occurs in the raw source text. A rule may have either or both.
type Rule struct {
	// Name identifies the rule in violations, e.g. "eval".
	Name string
	// Description says what the rule catches, e.g. "call of eval".
	Description string
	// what is Description without the policy file line, for the model's instructions; ""
	// when they are the same.
	what string

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

// maxDotted bounds the parts of a dotted name in a policy file's deny call
// and deny attr (a.b.c: three parts).
const maxDotted = 8

// maxPattern is the size of the token window: the longest pattern (a call of
// a dotted name of maxDotted parts, 2*maxDotted tokens) plus the token before
// it (notAfter, notMethod), plus one to spare.
const maxPattern = 2*maxDotted + 2

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
		r := &rules[i]
		r.substr = substr[r.Name]
		r.what = r.Description // Rejects names the texts together
		r.Description += fmt.Sprintf(", or the text %q anywhere, comments and strings included", r.substr)
	}
	return rules
}

// builtinDescription returns the description of a built-in rule, or "".
func builtinDescription(ruleName string) string {
	for _, p := range []*Policy{defaultPolicy, strictPolicy} { // strict has every built-in rule
		for _, r := range p.rules {
			if r.Name == ruleName {
				return r.Description
			}
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

// matchTokens finds the earliest match in code of p's token rules and, when
// p has an allow-list of imports, of its import rule.
func matchTokens(code string, p *Policy, h *hit) {
	m := tokenMatcher{rules: p.token, byLast: p.byLast, last: make([]tokSpec, len(p.token)), left: -1, h: h}
	for i, r := range p.token {
		m.last[i] = r.tokens[len(r.tokens)-1]
	}
	if p.imports != nil {
		m.imports, m.scanning, m.scan = p.imports, true, importScan{start: true}
	}
	tokenize(code, m.push)
}

// tokenMatcher matches token patterns against a window of the last tokens.
type tokenMatcher struct {
	rules  []*Rule
	last   []tokSpec           // the last token of each rule's pattern
	byLast map[tokSpec][]*Rule // the rules by the last token of their pattern; nil: use last
	win    [maxPattern]token   // ring of the last tokens
	n      int                 // tokens seen
	left   int                 // tokens still to look at after the first match; -1: no match yet
	deco   bool                // the current logical line starts with "@": a decorator

	imports  *importRule // the allow-list of imports, or nil
	scan     importScan  // follows import statements
	scanning bool        // imports is set and no import was rejected yet
	h        *hit
}

// push adds t to the window, records the matches that end at t, and reports
// whether scanning should go on.
func (m *tokenMatcher) push(t token) bool {
	lineStart := m.n == 0 || m.win[(m.n-1)%maxPattern].kind == tkNewline
	if t.kind == tkNewline && m.deco && !lineStart {
		m.decorator()
	}
	if lineStart {
		m.deco = t.kind == tkOp && t.text == "@"
	}
	m.win[m.n%maxPattern] = t
	m.n++
	if m.byLast != nil {
		if t.kind == tkName || t.kind == tkOp {
			for _, r := range m.byLast[tokSpec{t.kind, t.text}] {
				m.try(r)
			}
		}
	} else {
		for i := range m.last {
			if tokenIs(t, m.last[i]) {
				m.try(m.rules[i])
			}
		}
	}
	// After the token rules, so that on a tie (import subprocess) the more
	// specific deny rule names the violation.
	if m.scanning {
		if mod, ok := m.scan.next(t); ok && !m.imports.allows(mod.text) {
			m.found(m.imports.rule(mod.text), mod.off)
			m.scanning = false // later imports come later in the source
		}
	}
	if m.left >= 0 {
		m.left--
		return m.left > 0
	}
	return true
}

// try records a match of r if the window ends with its pattern.
func (m *tokenMatcher) try(r *Rule) {
	if m.tailMatches(r) {
		m.found(r, m.win[(m.n-len(r.tokens))%maxPattern].off)
	}
}

// decorator records the rules whose callee (the pattern without its "(")
// ends the decorator line that ends now: @eval and @pickle.loads call it.
func (m *tokenMatcher) decorator() {
	for _, r := range m.rules {
		if k := len(r.tokens) - 1; r.decorator && m.endsWith(r.tokens[:k]) {
			m.found(r, m.win[(m.n-k)%maxPattern].off)
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

// endsWith reports whether the window ends with the tokens p.
func (m *tokenMatcher) endsWith(p []tokSpec) bool {
	k := len(p)
	if k == 0 || k > m.n {
		return false
	}
	for j := range p {
		if !tokenIs(m.win[(m.n-k+j)%maxPattern], p[j]) {
			return false
		}
	}
	return true
}

// tailMatches reports whether the window ends with r's pattern, not preceded
// by one of r.notAfter.
func (m *tokenMatcher) tailMatches(r *Rule) bool {
	if !m.endsWith(r.tokens) {
		return false
	}
	if k := len(r.tokens); m.n > k {
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
