package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// examplePath is the documented example policy file of the repository.
const examplePath = "../../examples/policy.example"

// mustParseFile parses src as the policy file "policy.conf".
func mustParseFile(t testing.TB, src string) *Policy {
	t.Helper()
	p, err := parsePolicyFile("policy.conf", src)
	if err != nil {
		t.Fatalf("parse policy file:\n%s\nerror: %v", src, err)
	}
	return p
}

// fileCase is one Check case of a policy file; desc, when set, is the
// description the violation must carry.
type fileCase struct {
	tc
	desc string
}

func runFileCases(t *testing.T, p *Policy, cases []fileCase) {
	t.Helper()
	var plain []tc
	for _, c := range cases {
		plain = append(plain, c.tc)
	}
	runCases(t, p, plain)
	for _, c := range cases {
		if c.desc == "" {
			continue
		}
		t.Run(c.name+"/description", func(t *testing.T) {
			var v *Violation
			if !errors.As(p.Check(c.code), &v) {
				t.Fatalf("Check(%q): no violation", c.code)
			}
			want := fmt.Sprintf("rejected by policy: rule %q (%s) at line %d, column %d", c.want, c.desc, c.line, c.col)
			if v.Error() != want {
				t.Fatalf("Error() = %q, want %q", v.Error(), want)
			}
		})
	}
}

func TestFileDenyName(t *testing.T) {
	p := mustParseFile(t, "base default\ndeny name requests urllib3\ndeny name lambda\n")
	runFileCases(t, p, []fileCase{
		{tc{"import", "import requests", "requests", 1, 8}, "use of the name requests (policy file line 2)"},
		{tc{"attribute-of-it", "x = 1\nr = requests.get(u)", "requests", 2, 5}, ""},
		{tc{"attribute", "x.requests", "requests", 1, 3}, ""},
		{tc{"def", "def requests(): pass", "requests", 1, 5}, ""},
		{tc{"second-name-on-line", "import urllib3", "urllib3", 1, 8}, ""},
		{tc{"keyword", "f = lambda: 1", "lambda", 1, 5}, "use of the name lambda (policy file line 3)"},
		{tc{"fstring-field", `s = f"{requests.get(u)}"`, "requests", 1, 8}, ""},
		{tc{"fullwidth", "ｒｅｑｕｅｓｔｓ.get(u)", "requests", 1, 1}, ""},
		{tc{"base-rule-still-applies", "eval(1)", "eval", 1, 1}, ""},
		{tc{"comment", "x = 1  # import requests", "", 0, 0}, ""},
		{tc{"string", `x = "requests"; y = 'urllib3'`, "", 0, 0}, ""},
		{tc{"fstring-literal", `x = f"requests {y}"`, "", 0, 0}, ""},
		{tc{"longer-name", "requests_oauthlib = myrequests = 1", "", 0, 0}, ""},
		{tc{"first-by-position", "import math\nimport urllib3, requests", "urllib3", 2, 8}, ""},
	})
}

func TestFileDenyCall(t *testing.T) {
	p := mustParseFile(t, "base default\ndeny call pickle.loads\ndeny call compile\ndeny call a.b.c.d.e.f.g.h\n")
	runFileCases(t, p, []fileCase{
		{tc{"dotted", "import pickle\nobj = pickle.loads(b)", "pickle.loads", 2, 7}, "call of pickle.loads (policy file line 2)"},
		{tc{"blanks-between", "pickle . loads (b)", "pickle.loads", 1, 1}, ""},
		{tc{"newline-in-brackets", "x = [pickle.\n  loads\n  (b)]", "pickle.loads", 1, 6}, ""},
		{tc{"comment-in-brackets", "x = (pickle  # hmm\n  .loads(b))", "pickle.loads", 1, 6}, ""},
		{tc{"attribute-before", "x.pickle.loads(b)", "pickle.loads", 1, 3}, ""},
		{tc{"decorator", "@pickle.loads\ndef f(): pass", "pickle.loads", 1, 2}, ""},
		{tc{"fstring-field", `f"{pickle.loads(b)}"`, "pickle.loads", 1, 4}, ""},
		{tc{"longest-dotted", "a.b.c.d.e.f.g.h(1)", "a.b.c.d.e.f.g.h", 1, 1}, ""},
		{tc{"longest-dotted-decorator", "@a.b.c.d.e.f.g.h\ndef f(): pass", "a.b.c.d.e.f.g.h", 1, 2}, ""},
		{tc{"single", "code = compile(src, 'f', 'exec')", "compile", 1, 8}, "call of compile (policy file line 3)"},
		{tc{"single-decorator", "@compile\ndef f(): pass", "compile", 1, 2}, ""},
		{tc{"not-called", "f = pickle.loads\ng = compile", "", 0, 0}, ""},
		{tc{"newline-outside-brackets", "pickle.loads\n(b)", "", 0, 0}, ""},
		{tc{"other-attribute", "pickle.loads_all(b); pickle.dumps(b); loads(b)", "", 0, 0}, ""},
		{tc{"single-method-is-not-it", "import re\nre.compile('x')", "", 0, 0}, ""},
		{tc{"single-def", "def compile(x): pass", "", 0, 0}, ""},
		{tc{"dotted-too-short", "b.c.d.e.f.g.h(1)", "", 0, 0}, ""},
		{tc{"comment", "# pickle.loads(b)", "", 0, 0}, ""},
		{tc{"string", `s = "pickle.loads(b)"`, "", 0, 0}, ""},
		{tc{"fstring-literal", `s = f"pickle.loads(b) {x}"`, "", 0, 0}, ""},
	})
}

func TestFileDenyAttr(t *testing.T) {
	p := mustParseFile(t, "base off\ndeny attr os.environ\n")
	runFileCases(t, p, []fileCase{
		{tc{"subscript", "import os\nhome = os.environ['HOME']", "os.environ", 2, 8}, "use of os.environ (policy file line 2)"},
		{tc{"method", "os.environ.get('X')", "os.environ", 1, 1}, ""},
		{tc{"blanks", "os . environ", "os.environ", 1, 1}, ""},
		{tc{"value", "e = os.environ", "os.environ", 1, 5}, ""},
		{tc{"fstring-field", `f"{os.environ}"`, "os.environ", 1, 4}, ""},
		{tc{"alone", "environ; os; os.environb; pos.environ", "", 0, 0}, ""},
		{tc{"from-import-known-gap", "from os import environ\nenviron['HOME']", "", 0, 0}, ""},
		{tc{"comment", "# os.environ", "", 0, 0}, ""},
		{tc{"string", `s = "os.environ"`, "", 0, 0}, ""},
		{tc{"base-off", "eval(1); import subprocess", "", 0, 0}, ""},
	})
}

func TestFileDenyText(t *testing.T) {
	p := mustParseFile(t, strings.Join([]string{
		"base off",
		"deny text /etc/shadow   # the rest of the line, trimmed",
		`deny text "#!/bin/sh"   # quoted: may hold a #`,
		"deny text rm -rf",
		`deny text "\ttab"`,
	}, "\n"))
	runFileCases(t, p, []fileCase{
		{tc{"string", "x = open('/etc/shadow')", "/etc/shadow", 1, 11}, `text "/etc/shadow" in the source (policy file line 2)`},
		{tc{"comment", "x = 1\n# see /etc/shadow", "/etc/shadow", 2, 7}, ""},
		{tc{"code", "x = a/etc/shadow", "/etc/shadow", 1, 6}, ""},
		{tc{"quoted-hash", "s = '#!/bin/sh'", "#!/bin/sh", 1, 6}, `text "#!/bin/sh" in the source (policy file line 3)`},
		{tc{"inner-blanks", "os.system('rm -rf /')", "rm -rf", 1, 12}, ""},
		{tc{"quoted-escape", "x = 1 #\ttab", "\ttab", 1, 8}, ""},
		{tc{"case-sensitive", "'/ETC/SHADOW'; 'rm  -rf'; 'rm -Rf'", "", 0, 0}, ""},
		{tc{"earliest-wins", "rm -rf /etc/shadow", "rm -rf", 1, 1}, ""},
	})
}

func TestFileDenyTextStrictBase(t *testing.T) {
	p := mustParseFile(t, "base strict\ndeny text /etc/shadow\ndeny name requests")
	runCases(t, p, []tc{
		{"file-text", "# /etc/shadow", "/etc/shadow", 1, 3},
		{"strict-raw", "# eval(", "eval", 1, 3},
		{"strict-open", "f = open('x')", "open", 1, 5},
		{"file-name", "requests.get(u)", "requests", 1, 1},
		{"earliest-of-base-and-file", "x = 1  # /etc/shadow eval(", "/etc/shadow", 1, 10},
		{"clean", "print(sum(range(10)))", "", 0, 0},
	})
}

func TestFileImports(t *testing.T) {
	p := mustParseFile(t, strings.Join([]string{
		"base default",
		"allow-imports math json numpy",
		"deny name requests",
		"allow-imports a, collections",
		"deny call importlib.import_module",
	}, "\n"))
	const desc = "import of %s, not in the policy's allowed imports: a, collections, json, math, numpy (policy file line 2)"
	runFileCases(t, p, []fileCase{
		{tc{"allowed", "import math\nimport json, numpy\nprint(math.pi)", "", 0, 0}, ""},
		{tc{"allowed-second-line", "import collections\nimport a.b.c as d", "", 0, 0}, ""},
		{tc{"denied", "import socket", "import", 1, 8}, fmt.Sprintf(desc, "socket")},
		{tc{"denied-dotted", "import os.path", "import", 1, 8}, fmt.Sprintf(desc, "os")},
		{tc{"as-then-second", "import a.b as c, d", "import", 1, 18}, fmt.Sprintf(desc, "d")},
		{tc{"second-of-list", "import math, socket", "import", 1, 14}, ""},
		{tc{"after-alias", "import numpy as np, socket as s", "import", 1, 21}, ""},
		{tc{"dotted-allowed-then-denied", "import numpy.linalg as la, os.path", "import", 1, 28}, fmt.Sprintf(desc, "os")},
		{tc{"continuation", "import math, \\\n    socket", "import", 2, 5}, ""},
		{tc{"from", "from os.path import join", "import", 1, 6}, fmt.Sprintf(desc, "os")},
		{tc{"from-allowed", "from math import sqrt\nfrom collections.abc import Mapping", "", 0, 0}, ""},
		{tc{"from-parenthesized", "from math import (\n    sqrt,\n    pi,\n)", "", 0, 0}, ""},
		{tc{"from-star", "from socket import *", "import", 1, 6}, ""},
		{tc{"names-after-from-import-are-not-modules", "from math import socket, os", "", 0, 0}, ""},
		{tc{"in-function", "def f():\n    import socket\n    return socket", "import", 2, 12}, ""},
		{tc{"in-if", "if True:\n    import math\nelse:\n    from socket import x", "import", 4, 10}, ""},
		{tc{"in-try", "try:\n    import ujson as json\nexcept ImportError:\n    import json", "import", 2, 12}, fmt.Sprintf(desc, "ujson")},
		{tc{"in-class", "class C:\n    def m(self):\n        if x:\n            import os", "import", 4, 20}, ""},
		{tc{"after-semicolon", "x = 1; import socket", "import", 1, 15}, ""},
		{tc{"from-after-semicolon", "x = 1; from socket import y", "import", 1, 13}, ""},
		{tc{"one-line-if", "if x: import socket", "import", 1, 14}, ""},
		{tc{"one-line-if-from", "if x: from socket import y", "import", 1, 12}, ""},
		{tc{"crlf", "import math\r\nimport socket\r\n", "import", 2, 8}, ""},
		{tc{"fullwidth-module", "import ｓｏｃｋｅｔ", "import", 1, 8}, fmt.Sprintf(desc, "socket")},
		{tc{"future", "from __future__ import annotations", "", 0, 0}, ""},
		{tc{"relative", "from . import x\nfrom .mod import y\nfrom ..pkg.mod import z\nfrom ... import w", "", 0, 0}, ""},
		{tc{"yield-from", "def g():\n    yield from socket.x()\n    x = yield from os", "", 0, 0}, ""},
		{tc{"raise-from", "try:\n    pass\nexcept E as e:\n    raise F from socket", "", 0, 0}, ""},
		{tc{"comment", "import math  # import socket\n# from os import path", "", 0, 0}, ""},
		{tc{"string", "s = 'import socket'\nt = \"\"\"\nfrom os import path\n\"\"\"", "", 0, 0}, ""},
		{tc{"fstring-literal", `s = f"import socket {math.pi} from os import path"`, "", 0, 0}, ""},
		{tc{"fstring-field-dynamic-import-builtin", `s = f"{__import__('socket')}"`, "__import__", 1, 8}, ""},
		{tc{"fstring-field-dynamic-import-denied", `s = f"{importlib.import_module('socket')}"`, "importlib.import_module", 1, 8}, ""},
		{tc{"fstring-field-import-keyword-invalid-python", `s = f"{import socket}"`, "import", 1, 15}, ""},
		{tc{"importlib-not-allowed", "import importlib", "import", 1, 8}, fmt.Sprintf(desc, "importlib")},
		{tc{"deny-rule-wins-tie", "import requests", "requests", 1, 8}, ""},
		{tc{"base-rule-wins-tie", "import subprocess", "subprocess", 1, 8}, ""},
		{tc{"first-violation", "import math\nimport socket\nimport os", "import", 2, 8}, fmt.Sprintf(desc, "socket")},
		{tc{"eval-before-import", "eval(1); import socket", "eval", 1, 1}, ""},
		{tc{"import-before-eval", "import socket; eval(1)", "import", 1, 8}, ""},
	})
}

func TestFileNoAllowImports(t *testing.T) {
	p := mustParseFile(t, "base default\ndeny name requests")
	runCases(t, p, []tc{
		{"any-import", "import socket, os.path\nfrom urllib import request", "", 0, 0},
		{"deny-still-applies", "import requests", "requests", 1, 8},
	})
	for _, r := range p.Rules() {
		if r.Name == "import" {
			t.Fatalf("policy without allow-imports lists an import rule: %+v", r)
		}
	}
}

func TestFileBaseOffAllowImportsOnly(t *testing.T) {
	p := mustParseFile(t, "base off\nallow-imports math")
	runCases(t, p, []tc{
		{"clean", "import math\neval('1')", "", 0, 0},
		{"denied", "import os", "import", 1, 8},
	})
}

func TestFileNameRulesMaxCode(t *testing.T) {
	for _, c := range []struct {
		name, src string
		rules     []string
		maxCode   int
	}{
		{"default", "base default", []string{"subprocess", "os.system", "eval", "exec", "__import__"}, 0},
		{"strict", "base strict", []string{"subprocess", "os.system", "eval", "exec", "__import__", "open"}, 0},
		{"off", "base off", nil, 0},
		{"deny-all-kinds", "base off\ndeny name a b\ndeny call c d.e\ndeny attr f.g\ndeny text h i\nallow-imports j\nallow-imports k",
			[]string{"a", "b", "c", "d.e", "f.g", "h i", "import"}, 0},
		{"base-then-file", "base default\ndeny call pickle.loads",
			[]string{"subprocess", "os.system", "eval", "exec", "__import__", "pickle.loads"}, 0},
		{"bytes", "base off\nmax-code 100", nil, 100},
		{"B", "base off\nmax-code 100B", nil, 100},
		{"KiB", "base off\nmax-code 64KiB", nil, 64 << 10},
		{"space-before-unit", "base off\nmax-code 64 KiB", nil, 64 << 10},
		{"k", "base off\nmax-code 64k", nil, 64 << 10},
		{"KB", "base off\nmax-code 64KB", nil, 64 << 10},
		{"MiB", "base off\nmax-code 2MiB", nil, 2 << 20},
		{"mb", "base off\nmax-code 1mb", nil, 1 << 20},
		{"m", "base off\nmax-code 3M", nil, 3 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustParseFile(t, c.src)
			if p.Name() != "file:policy.conf" {
				t.Errorf("Name() = %q", p.Name())
			}
			if p.MaxCode() != c.maxCode {
				t.Errorf("MaxCode() = %d, want %d", p.MaxCode(), c.maxCode)
			}
			var names []string
			for _, r := range p.Rules() {
				names = append(names, r.Name)
				if r.Description == "" {
					t.Errorf("rule %q has no description", r.Name)
				}
				if len(r.tokens) >= maxPattern {
					t.Errorf("rule %q: pattern of %d tokens, at most %d", r.Name, len(r.tokens), maxPattern-1)
				}
			}
			if fmt.Sprint(names) != fmt.Sprint(c.rules) {
				t.Fatalf("rules = %q, want %q", names, c.rules)
			}
		})
	}
	t.Run("builtins-have-no-max-code", func(t *testing.T) {
		var nilPolicy *Policy
		for _, p := range []*Policy{mustParse(t, "default"), mustParse(t, "strict"), mustParse(t, "off"), nilPolicy} {
			if p.MaxCode() != 0 {
				t.Errorf("%s: MaxCode() = %d, want 0", p.Name(), p.MaxCode())
			}
		}
	})
}

func TestFileSyntax(t *testing.T) {
	for _, c := range []struct{ name, src string }{
		{"comments-and-blanks", "# a policy\n\n   \n\t# indented comment\nbase default # trailing\n\n"},
		{"crlf", "base default\r\ndeny name x\r\nmax-code 1KiB\r\n"},
		{"bom", "\ufeffbase default\ndeny name x\nmax-code 1KiB"},
		{"tabs", "base\tdefault\ndeny\tname\tx\nmax-code\t1KiB"},
		{"no-final-newline", "base default\ndeny name x\nmax-code 1KiB"},
		{"comment-glued", "base default#x\ndeny name x#y\nmax-code 1KiB#z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustParseFile(t, c.src)
			if err := p.Check("eval(1)"); err == nil {
				t.Error("base default lost")
			}
			if strings.Contains(c.src, "deny name x") && p.Check("x = 1") == nil {
				t.Error("deny name x not applied")
			}
			if strings.Contains(c.src, "max-code") && p.MaxCode() != 1024 {
				t.Errorf("MaxCode() = %d", p.MaxCode())
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	const bases = "base default, base strict or base off"
	for _, c := range []struct {
		name, src string
		want      []string // every error line, in order
	}{
		{"unknown-directive", "base default\n\n# c\n\n\n\ndney call os.system", []string{
			`policy.conf:7: unknown directive "dney" (known: base, deny, allow-imports, max-code)`}},
		{"deny-call-double-dot", "base default\n\ndeny call os..system", []string{
			`policy.conf:3: deny call needs a dotted name, got "os..system"`}},
		{"deny-call-parentheses", "base default\ndeny call pickle.loads()", []string{
			`policy.conf:2: deny call needs a dotted name, got "pickle.loads()" (without parentheses)`}},
		{"deny-call-too-long", "base default\ndeny call a.b.c.d.e.f.g.h.i", []string{
			`policy.conf:2: deny call: "a.b.c.d.e.f.g.h.i" has 9 parts, at most 8`}},
		{"deny-call-empty", "base default\ndeny call", []string{
			`policy.conf:2: deny call needs a name, e.g. deny call pickle.loads`}},
		{"deny-attr-single", "base default\ndeny attr environ", []string{
			`policy.conf:2: deny attr needs a dotted name such as os.environ, got "environ" (for a single name use deny name)`}},
		{"deny-attr-bad", "base default\ndeny attr os.", []string{
			`policy.conf:2: deny attr needs a dotted name, got "os."`}},
		{"deny-name-dotted", "base default\ndeny name os.environ", []string{
			`policy.conf:2: deny name needs an identifier, got "os.environ" (for a dotted name use deny attr or deny call)`}},
		{"deny-name-bad", "base default\ndeny name 1x ok é", []string{
			`policy.conf:2: deny name needs an identifier, got "1x"`,
			`policy.conf:2: deny name needs an identifier, got "é"`}},
		{"deny-no-kind", "base default\ndeny", []string{
			`policy.conf:2: deny needs a kind and a pattern, e.g. deny call pickle.loads (kinds: name, call, attr, text)`}},
		{"deny-unknown-kind", "base default\ndeny calls os.system", []string{
			`policy.conf:2: unknown deny kind "calls" (known: name, call, attr, text)`}},
		{"deny-text-empty", "base default\ndeny text   # nothing", []string{
			`policy.conf:2: deny text needs the text to find, e.g. deny text /etc/shadow (quote a text with a #: deny text "#!")`}},
		{"deny-text-hash-unquoted", "base default\ndeny text #!/bin/sh", []string{
			`policy.conf:2: deny text needs the text to find, e.g. deny text /etc/shadow (quote a text with a #: deny text "#!")`}},
		{"deny-text-quoted-empty", "base default\ndeny text \"\"", []string{
			`policy.conf:2: deny text needs the text to find, e.g. deny text /etc/shadow (quote a text with a #: deny text "#!")`}},
		{"deny-text-bad-quote", "base default\ndeny text \"abc", []string{
			`policy.conf:2: deny text: bad quoted text "abc (a Go string: "…" with \" and \\ escaped)`}},
		{"deny-text-after-quote", "base default\ndeny text \"abc\" def # c", []string{
			`policy.conf:2: deny text: unexpected "def" after the quoted text`}},
		{"missing-base", "# no base\ndeny name x\nmax-code 1KiB", []string{
			`policy.conf:2: missing base: the first directive must be ` + bases + `, got "deny"`}},
		{"empty-file", "", []string{
			`policy.conf: no directives: a policy file starts with ` + bases}},
		{"only-comments", "# nothing\n\n  # here\n", []string{
			`policy.conf: no directives: a policy file starts with ` + bases}},
		{"repeated-base", "base default\ndeny name x\nbase strict", []string{
			`policy.conf:3: base repeated (already set at line 1)`}},
		{"base-not-first", "deny name x\n\nbase strict", []string{
			`policy.conf:3: base must be the first directive (line 1 comes before it)`}},
		{"base-unknown", "base Default", []string{
			`policy.conf:1: base needs one of default, strict or off, got "Default"`}},
		{"base-empty", "base", []string{
			`policy.conf:1: base needs one of default, strict or off, got ""`}},
		{"base-two", "base default strict", []string{
			`policy.conf:1: base needs one of default, strict or off, got "default strict"`}},
		{"allow-imports-empty", "base default\nallow-imports  # none", []string{
			`policy.conf:2: allow-imports needs at least one module name, e.g. allow-imports math json`}},
		{"allow-imports-dotted", "base default\nallow-imports math os.path", []string{
			`policy.conf:2: allow-imports takes top-level module names, got "os.path" (allow os to allow os.path)`}},
		{"allow-imports-bad", "base default\nallow-imports math 3d", []string{
			`policy.conf:2: allow-imports takes top-level module names, got "3d"`}},
		{"max-code-empty", "base default\nmax-code", []string{
			`policy.conf:2: max-code needs a size, e.g. max-code 64KiB`}},
		{"max-code-unit", "base default\nmax-code 64QB", []string{
			`policy.conf:2: max-code: bad size "64QB": want a whole number with an optional unit B, KiB or MiB, e.g. 64KiB`}},
		{"max-code-fraction", "base default\nmax-code 1.5MiB", []string{
			`policy.conf:2: max-code: bad size "1.5MiB": want a whole number with an optional unit B, KiB or MiB, e.g. 64KiB`}},
		{"max-code-negative", "base default\nmax-code -1", []string{
			`policy.conf:2: max-code: bad size "-1": want a whole number with an optional unit B, KiB or MiB, e.g. 64KiB`}},
		{"max-code-zero", "base default\nmax-code 0KiB", []string{
			`policy.conf:2: max-code: bad size "0KiB": must be at least 1 byte`}},
		{"max-code-overflow", "base default\nmax-code 99999999999999999999MiB", []string{
			`policy.conf:2: max-code: bad size "99999999999999999999MiB": too large`}},
		{"max-code-repeated", "base default\nmax-code 1KiB\nmax-code 2KiB", []string{
			`policy.conf:3: max-code repeated (already set at line 2)`}},
		{"all-errors", strings.Join([]string{
			"# many mistakes",
			"deny call os..system",
			"dney name x",
			"base strict",
			"allow-imports os.path",
			"base off",
			"max-code big",
			"deny name ok",
		}, "\n"), []string{
			`policy.conf:2: deny call needs a dotted name, got "os..system"`,
			`policy.conf:3: unknown directive "dney" (known: base, deny, allow-imports, max-code)`,
			`policy.conf:4: base must be the first directive (line 2 comes before it)`,
			`policy.conf:5: allow-imports takes top-level module names, got "os.path" (allow os to allow os.path)`,
			`policy.conf:6: base repeated (already set at line 4)`,
			`policy.conf:7: max-code: bad size "big": want a whole number with an optional unit B, KiB or MiB, e.g. 64KiB`}},
		{"all-errors-missing-base-in-order", "\ndeny name a.b\nmax-code x", []string{
			`policy.conf:2: deny name needs an identifier, got "a.b" (for a dotted name use deny attr or deny call)`,
			`policy.conf:2: missing base: the first directive must be ` + bases + `, got "deny"`,
			`policy.conf:3: max-code: bad size "x": want a whole number with an optional unit B, KiB or MiB, e.g. 64KiB`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := parsePolicyFile("policy.conf", c.src)
			if err == nil || p != nil {
				t.Fatalf("parse = %v, %v; want an error", p, err)
			}
			got := strings.Split(err.Error(), "\n")
			if !slices.Equal(got, c.want) {
				t.Fatalf("errors:\n%s\nwant:\n%s", err, strings.Join(c.want, "\n"))
			}
			if u, ok := err.(interface{ Unwrap() []error }); !ok || len(u.Unwrap()) != len(c.want) {
				t.Fatalf("error %T does not join %d errors", err, len(c.want))
			}
		})
	}
}

func TestFileErrorsBounded(t *testing.T) {
	src := "base default\n" + strings.Repeat("oops\n", maxFileErrors+10)
	_, err := parsePolicyFile("p", src)
	lines := strings.Split(fmt.Sprint(err), "\n")
	if len(lines) != maxFileErrors+1 || lines[0] != `p:2: unknown directive "oops" (known: base, deny, allow-imports, max-code)` ||
		lines[maxFileErrors] != "p: 10 more mistakes not shown" {
		t.Fatalf("%d error lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Run("ok", func(t *testing.T) {
		path := write("ok.conf", "base strict\ndeny name requests\nmax-code 8KiB\n")
		p, err := Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name() != "file:"+path || p.MaxCode() != 8<<10 || p.Check("import requests") == nil || p.Check("# open(") == nil {
			t.Fatalf("policy %s, max code %d does not follow the file", p.Name(), p.MaxCode())
		}
	})
	t.Run("mistakes-name-the-path", func(t *testing.T) {
		path := write("bad.conf", "base default\ndney name x\n")
		_, err := Parse(path)
		if want := path + `:2: unknown directive "dney" (known: base, deny, allow-imports, max-code)`; fmt.Sprint(err) != want {
			t.Fatalf("error %q, want %q", err, want)
		}
	})
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(dir, "nope.conf")
		p, err := Parse(path)
		if p != nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
			t.Fatalf("Parse(%q) = %v, %v", path, p, err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		p, err := Parse(dir)
		if p != nil || err == nil || !strings.Contains(err.Error(), dir) {
			t.Fatalf("Parse(%q) = %v, %v", dir, p, err)
		}
	})
	t.Run("too-large", func(t *testing.T) {
		path := write("big.conf", "base default\n"+strings.Repeat("#", maxFileSize))
		p, err := Parse(path)
		if p != nil || err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "larger than") {
			t.Fatalf("Parse(big) = %v, %v", p, err)
		}
	})
}

func TestExampleFile(t *testing.T) {
	p, err := Parse(examplePath)
	if err != nil {
		t.Fatalf("Parse(%s): %v", examplePath, err)
	}
	if p.MaxCode() != 64<<10 || p.Name() != "file:"+examplePath {
		t.Fatalf("Name() = %q, MaxCode() = %d", p.Name(), p.MaxCode())
	}
	runCases(t, p, []tc{
		{"data-code", "import numpy as np\nimport pandas as pd\nfrom collections import Counter\nprint(np.mean([1, 2]))", "", 0, 0},
		{"stats-example", readExample(t, "stats.py"), "", 0, 0},
		{"socket", "import socket", "import", 1, 8},
		{"requests", "import requests", "requests", 1, 8},
		{"pickle", "import json\nx = pickle.loads(b)", "pickle.loads", 2, 5},
		{"importlib", "m = importlib.import_module('socket')", "importlib.import_module", 1, 5},
		{"environ", "print(os.environ)", "os.environ", 1, 7},
		{"shadow", "# /etc/shadow", "/etc/shadow", 1, 3},
		{"base-default", "eval('1')", "eval", 1, 1},
	})
}

// readExample returns the text of a file of the repository's examples.
func readExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFileManyRules(t *testing.T) {
	// More rules than indexAbove: the matcher looks rules up by their last token.
	var b strings.Builder
	b.WriteString("base default\n")
	for i := range 40 {
		fmt.Fprintf(&b, "deny name n%d\ndeny call c%d.f\ndeny attr a%d.x.y\n", i, i, i)
	}
	p := mustParseFile(t, b.String())
	if p.byLast == nil {
		t.Fatal("no index for many rules")
	}
	runCases(t, p, []tc{
		{"name", "x = n39", "n39", 1, 5},
		{"call", "c17.f(1)", "c17.f", 1, 1},
		{"call-decorator", "@c3.f\ndef g(): pass", "c3.f", 1, 2},
		{"attr", "v = a0.x.y.z", "a0.x.y", 1, 5},
		{"builtin", "x = 1; eval(1)", "eval", 1, 8},
		{"clean", "n40 = c1.g(1) + a1.x.z + c1.f", "", 0, 0},
	})
}

func TestFileDeepInputTerminates(t *testing.T) {
	p := mustParseFile(t, "base default\ndeny call a.a.a\ndeny attr a.a\nallow-imports a")
	for name, code := range map[string]string{
		"dots":         strings.Repeat("a.", 100_000) + "a(1)",
		"imports":      strings.Repeat("import a.a.a as b, ", 50_000) + "c",
		"from-dots":    "from " + strings.Repeat(".", 100_000) + " import x",
		"decorators":   strings.Repeat("@a.a.a.a\n", 50_000),
		"brackets":     strings.Repeat("(", 100_000) + "import x",
		"fstring-nest": strings.Repeat(`f'{`, 100_000) + "import x",
	} {
		t.Run(name, func(t *testing.T) {
			_ = p.Check(code) // must return without panicking
		})
	}
}

// FuzzParseFile checks that the policy file parser never panics, that its
// errors name the file, and that a policy it accepts checks any code
// without panicking, rejecting at least what its base rejects, and no later
// in the source.
func FuzzParseFile(f *testing.F) {
	example, err := os.ReadFile(examplePath)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(example), "", "base default", "base off\nallow-imports math", "base strict\ndeny text \"#\\x00\"",
		"base default\ndeny call a.b.c.d.e.f.g.h\ndeny attr x.y", "deny name x\nbase off\nbase off", "max-code 18446744073709551616",
		"base default\ndeny text \"\\", "\ufeffbase off\r\ndeny name é\r", "base off\nmax-code 9223372036854775807",
	} {
		for _, code := range []string{"import socket; eval(1)", "from . import x\n@a.b\ndef f(): pass", `f"{x}" # y`} {
			f.Add(s, code)
		}
	}
	f.Fuzz(func(t *testing.T, src, code string) {
		p, err := parsePolicyFile("fuzz.conf", src)
		if err != nil {
			if p != nil {
				t.Fatalf("policy and error: %v", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz.conf:") {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		if p.MaxCode() < 0 || !strings.HasPrefix(p.Name(), "file:") {
			t.Fatalf("MaxCode() = %d, Name() = %q", p.MaxCode(), p.Name())
		}
		var base *Policy
		for _, name := range []string{nameDefault, nameStrict, nameOff} {
			if saysBase(src, name) {
				base = builtin(name)
			}
		}
		fv := checkViolation(t, p, code)
		if base == nil {
			return
		}
		bv := checkViolation(t, base, code)
		if bv != nil && (fv == nil || fv.Line > bv.Line || fv.Line == bv.Line && fv.Col > bv.Col) {
			t.Fatalf("base %s rejects at %v, the file policy at %v", base.Name(), bv, fv)
		}
	})
}

// saysBase reports whether src, a valid policy file, says base name.
func saysBase(src, name string) bool {
	for _, line := range strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n") {
		line, _, _ = strings.Cut(line, "#")
		if f := strings.Fields(line); len(f) == 2 && f[0] == "base" && f[1] == name {
			return true
		}
	}
	return false
}

func BenchmarkCheckFile(b *testing.B) {
	p, err := Parse(examplePath)
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Check(benchCode); err != nil {
		b.Fatalf("bench code rejected: %v", err)
	}
	b.SetBytes(int64(len(benchCode)))
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Check(benchCode)
	}
}

// TestRejectsAndAllowedImports: what the model is told of a policy names each rule without the
// policy file's line numbers, and the import allow-list in order; a rejected import names
// the allowed modules, at most maxListed of them.
func TestRejectsAndAllowedImports(t *testing.T) {
	p := mustParseFile(t, "base default\nallow-imports math json\ndeny name requests\ndeny text /etc/shadow\n")
	want := []string{"use of the subprocess module", "call of os.system", "call of eval", "call of exec", "use of __import__",
		"use of the name requests", "1 text(s) the operator forbids anywhere in the source"}
	if got := p.Rejects(); !slices.Equal(got, want) {
		t.Errorf("Rejects() = %q, want %q", got, want)
	}
	if got := p.AllowedImports(); !slices.Equal(got, []string{"json", "math"}) {
		t.Errorf("AllowedImports() = %q", got)
	}
	if got := mustParse(t, "default").AllowedImports(); got != nil {
		t.Errorf("the default policy has an allow-list: %q", got)
	}
	if got := mustParse(t, "strict").Rejects(); len(got) != 7 || got[5] != "call of open" ||
		got[6] != `the texts "subprocess", "os.system", "eval(", "exec(", "__import__", "open(" anywhere, comments and strings included` {
		t.Errorf("strict Rejects() = %q", got)
	}
	if got := mustParse(t, "off").Rejects(); len(got) != 0 {
		t.Errorf("off Rejects() = %q", got)
	}

	var mods []string
	for i := range maxListed + 5 {
		mods = append(mods, fmt.Sprintf("m%02d", i))
	}
	p = mustParseFile(t, "base off\nallow-imports "+strings.Join(mods, " "))
	err := p.Check("import socket")
	if err == nil || !strings.Contains(err.Error(), "m29 and 5 more (policy file line 2)") || strings.Contains(err.Error(), "m30") {
		t.Errorf("a long allow-list in a rejection: %v", err)
	}
}
