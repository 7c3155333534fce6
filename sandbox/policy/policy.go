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
// Deliberate choices: eval and exec count as calls of the builtins, not of
// methods of that name (model.eval(), df.eval("a + b") and app.exec() pass),
// and a decorator line ending in eval or exec counts too (@eval calls eval on
// what follows; so does @x.eval); "def eval(" and "class exec(" do not. F-strings are read as Python 3.12
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
//
// # Policy files
//
// Parse also reads a policy file (examples/policy.example is a documented
// one): the built-in policy to start from plus deny rules, an allow-list of
// importable modules and a size limit. One directive per line; "#" starts a
// comment (except inside a quoted deny text); blank lines are ignored; words
// are separated by blanks:
//
//	base default|strict|off      the built-in rules to start from; required, the first directive
//	deny name NAME...            any use of the identifier NAME as a token (x.NAME, def NAME too)
//	deny call NAME[.NAME]...     a call: the (dotted) name, then "("; blanks, comments and line
//	                             breaks inside brackets may sit between the tokens (os . system (…));
//	                             a decorator line ending in the name counts. A single name is a
//	                             function, not a method: deny call compile rejects compile(…), not
//	                             re.compile(…); a dotted name also matches after a dot (x.os.system(…))
//	deny attr NAME.NAME[.NAME]...  the dotted name anywhere, called or not (os.environ.get too)
//	deny text TEXT               TEXT anywhere in the raw source, comments and strings included,
//	                             case-sensitive; TEXT is the rest of the line, trimmed, or a Go-quoted
//	                             string ("#!/bin/sh", "\tx")
//	allow-imports MODULE...      the top-level modules import statements may name; lines add up
//	max-code SIZE                the largest code the policy accepts (Policy.MaxCode): a whole number
//	                             of bytes, or with a unit B, K/KB/KiB or M/MB/MiB (1024-based)
//
// Names are ASCII identifiers; a dotted name has at most 8 parts. Several
// names may follow one deny name, call or attr, or one allow-imports
// (allow-imports also takes commas). Deny rules add to the base rules, never
// remove one; each is a Rule named by its pattern (deny call pickle.loads: rule
// "pickle.loads", "call of pickle.loads (policy file line 4)"). Name, call and
// attr rules see tokens like the built-in rules: comments and strings never
// trigger them, code in f-string replacement fields does, identifiers are
// NFKC-folded. Mistakes are all reported at once, each as "path:line: message".
//
// The allow-list is checked on tokens too: every import statement (import
// a.b as c, d; from a.b import c), at the start of a line, after ";" or the
// ":" of a one-line if, inside blocks and functions, whose top-level module
// is not listed, violates the rule "import" at the module name; relative
// imports (from . import x) and __future__ are always allowed. It sees
// statements, not what runs: importlib.import_module("socket") and
// __import__("socket") are caught only by the built-in __import__ rule
// (default and strict) and by a "deny call importlib.import_module" the
// operator adds (importing importlib needs it on the allow-list anyway), and
// modules reachable as attributes of allowed ones (an allowed package that
// itself imports os exposes it) are not seen at all. Likewise "deny call
// pickle.loads" does not see "from pickle import loads" followed by
// loads(...), nor an alias (import pickle as p): leaving pickle off the
// allow-list does.
package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrRejected is the error every policy violation matches with errors.Is.
var ErrRejected = errors.New("rejected by policy")

// Policy is a named, immutable set of rules. It is safe for concurrent use.
// A nil *Policy behaves like the default policy.
type Policy struct {
	name    string
	rules   []Rule
	token   []*Rule             // rules with a token pattern
	raw     []*Rule             // rules with a substring
	byLast  map[tokSpec][]*Rule // token rules by the last token of their pattern; nil for few rules
	imports *importRule         // the allow-list of imports; nil: any import
	maxCode int                 // largest accepted code in bytes; 0: no limit of the policy's own
}

// indexAbove is the number of token rules above which Check finds the rules
// that may end at a token with a map instead of trying each rule.
const indexAbove = 16

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
	if len(p.token) > indexAbove {
		p.byLast = make(map[tokSpec][]*Rule)
		for _, r := range p.token {
			last := r.tokens[len(r.tokens)-1]
			p.byLast[last] = append(p.byLast[last], r)
		}
	}
	return p
}

// Parse returns the policy named by spec: "default" (also for ""), "strict"
// or "off"; any other spec is the path of a policy file, which is read and
// parsed (see parseFile). An error names the path and, for a file with
// mistakes, every mistake found with its line number.
//
// default: the names subprocess and __import__, os.system (os . system with
// blanks allowed between), and calls of eval and exec, matched on Python
// tokens. strict: the same plus calls of open, matched on tokens and also as
// the raw substrings subprocess, os.system, eval(, exec(, __import__ and
// open( anywhere in the source, comments and strings included; strict thus
// rejects everything default rejects. off: no rules.
func Parse(spec string) (*Policy, error) {
	if p := builtin(spec); p != nil {
		return p, nil
	}
	return parseFile(spec)
}

// IsFile reports whether a PYCAGE_POLICY value names a policy file rather than a built-in policy.
func IsFile(spec string) bool { return builtin(spec) == nil }

// builtin returns the built-in policy named name, or nil.
func builtin(name string) *Policy {
	switch name {
	case "", nameDefault:
		return defaultPolicy
	case nameStrict:
		return strictPolicy
	case nameOff:
		return offPolicy
	}
	return nil
}

// Off returns the built-in policy "off", which has no rules.
func Off() *Policy { return offPolicy }

// Name returns the policy's name: "default", "strict", "off", or
// "file:" followed by the path of a policy file as given to Parse.
func (p *Policy) Name() string {
	if p == nil {
		return nameDefault
	}
	return p.name
}

// MaxCode returns the largest code, in bytes, that the policy accepts (a
// policy file's max-code), or 0 when the policy sets no limit of its own, as
// the built-in policies do. Check does not enforce it: the caller does,
// together with its own limit (the smaller one wins).
func (p *Policy) MaxCode() int {
	if p == nil {
		return 0
	}
	return p.maxCode
}

// Rules returns a copy of the policy's rules in the order they are checked:
// for a policy file, the base rules, then the file's deny rules and, with
// allow-imports, last the rule "import", which has no pattern of its own.
func (p *Policy) Rules() []Rule {
	if p == nil {
		p = defaultPolicy
	}
	return append([]Rule(nil), p.rules...)
}

// Rejects says for the model what the policy rejects, a phrase a rule, in the order they are
// checked and without policy file line numbers; an import allow-list is AllowedImports, not
// one of them.
func (p *Policy) Rejects() []string {
	if p == nil {
		p = defaultPolicy
	}
	var out, texts []string
	forbidden := 0
	for _, r := range p.rules {
		switch {
		case r.Name == importRuleName && p.imports != nil && r.tokens == nil && r.substr == "":
			continue
		case r.what == textRuleWhat: // the text may be anything: a path, a value; not repeated
			forbidden++
			continue
		case r.what != "":
			out = append(out, r.what)
		default:
			out = append(out, r.Description)
		}
		if r.substr != "" && len(r.tokens) > 0 { // strict's built-ins: a pattern and a text each
			texts = append(texts, strconv.Quote(r.substr))
		}
	}
	if len(texts) > 0 {
		out = append(out, "the texts "+strings.Join(texts, ", ")+" anywhere, comments and strings included")
	}
	if forbidden > 0 {
		out = append(out, fmt.Sprintf("%d text(s) the operator forbids anywhere in the source", forbidden))
	}
	return out
}

// textRuleWhat marks a policy file's deny text rule in Rejects.
const textRuleWhat = "a forbidden text"

// AllowedImports returns the top-level modules import statements may name, sorted, or nil
// when the policy has no allow-list (any import passes).
func (p *Policy) AllowedImports() []string {
	if p == nil || p.imports == nil {
		return nil
	}
	return p.imports.modules()
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
	if len(p.token) > 0 || p.imports != nil {
		matchTokens(code, p, &h)
	}
	if len(p.raw) > 0 {
		matchSubstrings(code, p.raw, &h)
	}
	if h.rule == nil {
		return nil
	}
	return newViolation(code, h.rule, h.off)
}
