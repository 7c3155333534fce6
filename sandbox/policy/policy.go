// Package policy checks Python source against a pattern policy before it is
// run: a lint in front of the container, not a security boundary.
//
// The policy turns away the obvious (subprocess, os.system, eval, exec,
// __import__) early and with a precise message naming the rule, the line and
// the column. It cannot stop a determined program: names can be built at run
// time (getattr(builtins, "ev"+"al"), importlib.import_module("subprocess")),
// aliased (e = eval; e(...), from os import system), or reached through
// objects. The container's isolation is what contains the code; the policy
// trusts nothing about the code and never executes it.
//
// The default policy works on Python tokens, so comments and string literals
// never trigger it, while code inside f-string replacement fields
// (f"{eval('1')}") does count. Identifiers are compared after the NFKC
// folding Python itself applies, so fullwidth or mathematical letters
// (ｅｖａｌ) do not slip through. The strict policy adds open( and also
// matches the raw source text, comments and strings included.
//
// Deliberate choices: a call of any attribute named eval or exec counts
// (x.eval(...), so pandas' DataFrame.eval is rejected too), and so does a
// decorator line ending in eval or exec (@eval calls eval on what follows);
// "def eval(" and "class exec(" do not. F-strings are read as Python 3.12
// reads them (PEP 701) and t-strings (Python 3.14) like f-strings; for code
// that older versions accept this changes nothing.
//
// Known gaps, besides the run-time tricks above: "from os import system" and
// "from os import *" followed by system(...) pass; so do eval and exec used
// as values (map(eval, xs), eval.__call__(s)); and a coding declaration
// such as "# coding: raw_unicode_escape", under which \u0065val(...) is
// eval(...) when Python reads the code as bytes (a file, stdin as a script,
// exec of bytes). Compiled from a str, the declaration is ignored. A
// Violation's Excerpt is user code and may hold a secret: redact it like any
// other output.
package policy

import (
	"errors"
	"fmt"
)

// ErrRejected is the error every policy violation matches with errors.Is.
var ErrRejected = errors.New("rejected by policy")

// Policy is a named, immutable set of rules. It is safe for concurrent use.
// A nil *Policy behaves like the default policy.
type Policy struct {
	name  string
	rules []Rule
	token []*Rule // rules with a token pattern
	raw   []*Rule // rules with a substring
}

// Policy names accepted by Parse.
const (
	nameDefault = "default"
	nameStrict  = "strict"
	nameOff     = "off"
)

var (
	defaultPolicy = newPolicy(nameDefault, builtinRules(false))
	strictPolicy  = newPolicy(nameStrict, builtinRules(true))
	offPolicy     = newPolicy(nameOff, nil)
)

func newPolicy(name string, rules []Rule) *Policy {
	p := &Policy{name: name, rules: rules}
	for i := range p.rules {
		r := &p.rules[i]
		if len(r.tokens) > 0 {
			p.token = append(p.token, r)
		}
		if r.substr != "" {
			p.raw = append(p.raw, r)
		}
	}
	return p
}

// Parse returns the policy named by spec: "default" (also for ""), "strict"
// or "off". Anything else is an error for now; policy files come later.
//
// default: the names subprocess and __import__, os.system (os . system with
// blanks allowed between), and calls of eval and exec, matched on Python
// tokens. strict: the same plus calls of open, matched on tokens and also as
// the raw substrings subprocess, os.system, eval(, exec(, __import__ and
// open( anywhere in the source, comments and strings included; strict thus
// rejects everything default rejects. off: no rules.
func Parse(spec string) (*Policy, error) {
	switch spec {
	case "", nameDefault:
		return defaultPolicy, nil
	case nameStrict:
		return strictPolicy, nil
	case nameOff:
		return offPolicy, nil
	}
	return nil, fmt.Errorf("policy %q: policy files are not supported yet (use %s, %s or %s)",
		spec, nameDefault, nameStrict, nameOff)
}

// Name returns the policy's name: "default", "strict" or "off".
func (p *Policy) Name() string {
	if p == nil {
		return nameDefault
	}
	return p.name
}

// Rules returns a copy of the policy's rules in the order they are checked.
func (p *Policy) Rules() []Rule {
	if p == nil {
		p = defaultPolicy
	}
	return append([]Rule(nil), p.rules...)
}

// Check returns nil when code passes the policy, else a *Violation for the
// match that comes first in the source (errors.Is(err, ErrRejected) holds).
// It never executes code, and it accepts any input, including invalid Python
// and invalid UTF-8.
func (p *Policy) Check(code string) error {
	if p == nil {
		p = defaultPolicy
	}
	var h hit
	if len(p.token) > 0 {
		matchTokens(code, p.token, &h)
	}
	if len(p.raw) > 0 {
		matchSubstrings(code, p.raw, &h)
	}
	if h.rule == nil {
		return nil
	}
	return newViolation(code, h.rule, h.off)
}
