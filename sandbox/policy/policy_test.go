package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// tc is one Check case: want is the rule name, or "" when the code passes.
type tc struct {
	name      string
	code      string
	want      string
	line, col int
}

func mustParse(t testing.TB, spec string) *Policy {
	t.Helper()
	p, err := Parse(spec)
	if err != nil {
		t.Fatalf("Parse(%q): %v", spec, err)
	}
	return p
}

func runCases(t *testing.T, p *Policy, cases []tc) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := p.Check(c.code)
			if c.want == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", c.code, err)
				}
				return
			}
			var v *Violation
			if !errors.As(err, &v) {
				t.Fatalf("Check(%q) = %v, want a *Violation of %q", c.code, err, c.want)
			}
			if v.Rule != c.want || v.Line != c.line || v.Col != c.col {
				t.Fatalf("Check(%q) = rule %q at %d:%d, want %q at %d:%d", c.code, v.Rule, v.Line, v.Col, c.want, c.line, c.col)
			}
			if !errors.Is(err, ErrRejected) {
				t.Fatalf("errors.Is(%v, ErrRejected) = false", err)
			}
		})
	}
}

// defaultCases hold for the default policy; every rejected one must be
// rejected by strict too.
var defaultCases = []tc{
	// subprocess
	{"subprocess/import", "import subprocess", "subprocess", 1, 8},
	{"subprocess/from", "from subprocess import run", "subprocess", 1, 6},
	{"subprocess/assign", "x = subprocess", "subprocess", 1, 5},
	{"subprocess/attribute", "import asyncio\nasyncio.subprocess.PIPE", "subprocess", 2, 9},
	{"subprocess/longer-name", "import subprocess_helper", "", 0, 0},
	{"subprocess/inside-name", "asyncio.create_subprocess_exec('ls')", "", 0, 0},
	{"subprocess/comment", "# import subprocess", "", 0, 0},
	{"subprocess/string", "s = 'subprocess'", "", 0, 0},
	// os.system
	{"os.system/plain", "import os\nos.system('ls')", "os.system", 2, 1},
	{"os.system/spaces", "os . system('ls')", "os.system", 1, 1},
	{"os.system/newline-in-parens", "x = (os.\n    system)('ls')", "os.system", 1, 6},
	{"os.system/comment-in-parens", "(os  # what\n .system)('ls')", "os.system", 1, 2},
	{"os.system/continuation", "os.\\\nsystem('ls')", "os.system", 1, 1},
	{"os.system/newline-outside-parens", "os\n.system", "", 0, 0},
	{"os.system/from-import-known-gap", "from os import system\nsystem('ls')", "", 0, 0},
	{"os.system/other-names", "pos.system; os.systems; os.path.system", "", 0, 0},
	{"os.system/string", "x = 'os.system(\"ls\")'", "", 0, 0},
	// eval
	{"eval/call", "eval('1')", "eval", 1, 1},
	{"eval/space", "eval ('1')", "eval", 1, 1},
	{"eval/tab-newline-in-parens", "x = [eval\t(\n'1')]", "eval", 1, 6},
	{"eval/in-function", "def f():\n    return eval('1')", "eval", 2, 12},
	{"eval/method is not the builtin", "model.eval(); df.eval('a + b')", "", 0, 0},
	{"eval/evaluate", "evaluate('1')", "", 0, 0},
	{"eval/my_eval", "my_eval('1')", "", 0, 0},
	{"eval/literal_eval", "import ast\nast.literal_eval('1')", "", 0, 0},
	{"eval/no-call", "f = eval\nprint(eval.__doc__)", "", 0, 0},
	{"eval/keyword-argument", "g(eval=1)", "", 0, 0},
	{"eval/def", "def eval(x):\n    pass", "", 0, 0},
	{"eval/async-def", "async def eval(x): pass", "", 0, 0},
	{"eval/class", "class eval(object): pass", "", 0, 0},
	{"eval/newline-outside-parens", "eval\n('1')", "", 0, 0},
	{"eval/newline-in-parens", "(eval\n('1'))", "eval", 1, 2},
	{"eval/comment", "x = 1  # eval('1')", "", 0, 0},
	{"eval/decorator", "@eval\n@lambda f: \"print(1)\"\ndef f(): pass", "eval", 1, 2},
	{"eval/decorator-comment", "class C:\n    @eval  # hmm\n    def f(self): pass", "eval", 2, 6},
	{"eval/decorator-continuation", "@x.\\\neval\ndef f(): pass", "eval", 2, 1},
	{"eval/decorator-other", "@functools.cache\ndef f(): return eval", "", 0, 0},
	{"eval/matmul-not-decorator", "y = a @ eval\nz = 1", "", 0, 0},
	// exec
	{"exec/call", "exec('x = 1')", "exec", 1, 1},
	{"exec/space", "exec  ('x = 1')", "exec", 1, 1},
	{"exec/method is not the builtin", "app.exec(); cur.exec('x')", "", 0, 0},
	{"exec/longer-names", "executor(1); cur.execute('x'); exec_ = 1", "", 0, 0},
	{"exec/comment", "# exec('x')", "", 0, 0},
	{"exec/attribute-decorator", "@ns.exec\nclass C: pass", "exec", 1, 5},
	// __import__
	{"__import__/call", "__import__('os')", "__import__", 1, 1},
	{"__import__/name", "m = __import__", "__import__", 1, 5},
	{"__import__/attribute", "builtins.__import__('os')", "__import__", 1, 10},
	{"__import__/longer-name", "__import___x = 1", "", 0, 0},
	{"__import__/string", "x = '__import__'", "", 0, 0},
	// first violation by position wins
	{"order/first-wins", "x = 1; exec('1'); eval('2')", "exec", 1, 8},
	{"order/across-lines", "import os\nos.system('a')\nimport subprocess", "os.system", 2, 1},
	// f-strings
	{"fstring/field", `f"{eval('1')}"`, "eval", 1, 4},
	{"fstring/literal", `f"eval('1') and {x} and os.system"`, "", 0, 0},
	{"fstring/escaped-braces", `f"{{eval('1')}}"`, "", 0, 0},
	{"fstring/escaped-then-field", `f"{{{eval('1')}}}"`, "eval", 1, 6},
	{"fstring/nested", `f"{f'{eval(1)}'}"`, "eval", 1, 7},
	{"fstring/nested-3", `f"{f'{f"{exec(1)}"}'}"`, "exec", 1, 10},
	{"fstring/nested-literal", `f"{f'eval(1)'}"`, "", 0, 0},
	{"fstring/string-in-field", `f"{'eval(1)'}"`, "", 0, 0},
	{"fstring/same-quote-in-field", `f"{"eval(1)"}"`, "", 0, 0},
	{"fstring/spec-literal", `f"{x:eval(1)}"`, "", 0, 0},
	{"fstring/spec-field", `f"{x!r:>{eval(1)}}"`, "eval", 1, 10},
	{"fstring/spec-nested-spec", `f"{x:{y:{eval(1)}}}"`, "eval", 1, 10},
	{"fstring/dict-in-field", `f"{ {'a': eval(1)}['a'] }"`, "eval", 1, 11},
	{"fstring/lambda-in-field", `f"{(lambda: eval(1))()}"`, "eval", 1, 13},
	{"fstring/not-equal", `f"{a!=eval(1)}"`, "eval", 1, 7},
	{"fstring/self-documenting", `f"{x=} {y = }"`, "", 0, 0},
	{"fstring/hash-in-literal", `f"{x} # eval(1)"`, "", 0, 0},
	{"fstring/backslash-brace", `f"\{eval(1)}"`, "eval", 1, 5},
	{"fstring/escaped-quote", `f"\"{eval(1)}"`, "eval", 1, 6},
	{"fstring/named-escape", `f"\N{DIGIT ONE}{eval(1)}"`, "eval", 1, 17},
	{"fstring/named-escape-is-not-a-field", `f"\N{LATIN SMALL LETTER E}val(1)"`, "", 0, 0},
	{"fstring/raw-named-escape-is-a-field", `rf"\N{eval(1)}"`, "eval", 1, 7},
	{"fstring/implicit-concatenation", `f'{x}' 'eval(1)' f"os.system"`, "", 0, 0},
	{"fstring/field-object-then-attribute", `f"{os}".system`, "", 0, 0},
	{"fstring/multiline-field", "f\"\"\"{\nx,\neval(1)}\"\"\"", "eval", 3, 1},
	{"fstring/comment-in-field", "f\"\"\"{x # eval(1)\n}\"\"\"", "", 0, 0},
	{"fstring/triple-second-line", "s = f'''a\n  {exec(c)}'''", "exec", 2, 4},
	{"fstring/field-after-triple-literal", "f'''eval(1)\n'''; exec(1)", "exec", 2, 6},
	// other strings
	{"string/continuation-inside", "x = 'a\\\neval(1)'\nexec(1)", "exec", 3, 1},
	{"string/escaped-quote", `x = "\"eval(1)"`, "", 0, 0},
	{"string/raw-escaped-quote", `x = r"\"eval(1)"`, "", 0, 0},
	{"string/raw-backslash-end", `x = r"a\\"; eval(1)`, "eval", 1, 13},
	{"string/bytes-with-prefix-name-before", `b = b'eval(1)'; eval(2)`, "eval", 1, 17},
	{"string/not-a-prefix", `bu"x"; eval(1)`, "eval", 1, 8},
	{"string/triple-multiline", "doc = \"\"\"\neval(1) is mentioned here\nand exec(2)\n\"\"\"\nx = 1; y = eval(2)", "eval", 5, 12},
	{"string/empty-then-code", `x = ""; eval(1)`, "eval", 1, 9},
	{"string/triple-with-inner-quotes", `x = """a "" eval(1) ""b"""; exec(1)`, "exec", 1, 29},
	// line continuation
	{"continuation/code", "x = 1 + \\\n    eval('1')", "eval", 2, 5},
	{"continuation/crlf", "x = 1 + \\\r\n    eval('1')", "eval", 2, 5},
	// unterminated
	{"unterminated/single-eof", `x = "eval(1)`, "", 0, 0},
	{"unterminated/triple-eof", "x = '''eval(1)\nexec(1)", "", 0, 0},
	{"unterminated/single-ends-at-line", "x = 'abc\neval(1)", "eval", 2, 1},
	{"unterminated/fstring-field-eof", `f"{x`, "", 0, 0},
	{"unterminated/fstring-field-code", `f"{eval(1)`, "eval", 1, 4},
	{"unterminated/fstring-spec-eof", `f"abc {x:`, "", 0, 0},
	{"unterminated/backslash-eof", `'\`, "", 0, 0},
	{"unterminated/named-escape-eof", `f"\N{`, "", 0, 0},
	// line endings
	{"lines/crlf", "x = 1\r\ny = 2\r\neval(1)\r\n", "eval", 3, 1},
	{"lines/cr", "x = 1\ry = 2\r  eval(1)", "eval", 3, 3},
	{"lines/mixed", "a\r\n\n\rb = eval(1)", "eval", 4, 5},
	{"lines/crlf-in-triple-string", "x = '''a\r\nb\r\n'''\r\nexec(1)", "exec", 4, 1},
	// non-ASCII
	{"unicode/column-in-runes", "café = 1; eval(1)", "eval", 1, 11},
	{"unicode/identifier", "名前 = eval(1)", "eval", 1, 6},
	{"unicode/string-before", `x = "日本語"; eval(1)`, "eval", 1, 12},
	{"unicode/whole-identifier", "évaluer(1); eval_é(1); éeval(1)", "", 0, 0},
	{"unicode/fullwidth", "ｅｖａｌ('1')", "eval", 1, 1},
	{"unicode/math-bold", "x = 𝐞𝐯𝐚𝐥('1')", "eval", 1, 5},
	{"unicode/roman-numeral", "eⅹec('1')", "exec", 1, 1},
	{"unicode/long-s-and-ligature", "os.ſyﬆem('ls')", "os.system", 1, 1},
	{"unicode/fullwidth-import", "__ｉｍｐｏｒｔ__('os')", "__import__", 1, 1},
	{"unicode/invalid-utf8", "\xff\xfe eval(1)", "eval", 1, 4},
	{"unicode/bom", "\ufeffeval(1)", "eval", 1, 2},
	// numbers
	{"number/method", "1 .eval(x)", "", 0, 0},
	{"number/glued", "x = 1if y else eval(2)", "eval", 1, 16},
	{"number/float", "x = 1.5e-3; eval(2)", "eval", 1, 13},
	{"number/literals", "x = [0x_1f, 0o17, 0b1_0, 1_000.5_5e+1_0j, 1E5, .5]; eval(2)", "eval", 1, 53},
	{"number/glued-name", "x = 1subprocess", "subprocess", 1, 6},
	{"number/glued-underscore-name", "x = 1.__import__", "__import__", 1, 7},
	{"eval/decorator-at-end", "@eval", "eval", 1, 2},
}

// stringPrefixes are the prefixes of plain (not formatted) string literals.
var stringPrefixes = []string{"", "r", "R", "u", "U", "b", "B", "br", "Br", "bR", "BR", "rb", "rB", "Rb", "RB"}

// fstringPrefixes are the prefixes of f-strings (and t-strings, Python 3.14).
var fstringPrefixes = []string{"f", "F", "fr", "fR", "Fr", "FR", "rf", "rF", "Rf", "RF", "t", "T", "tr", "Rt"}

var quotes = []string{`'`, `"`, `'''`, `"""`}

const forbidden = `eval(1) exec(1) os.system __import__ subprocess`

func TestDefault(t *testing.T) {
	runCases(t, mustParse(t, "default"), defaultCases)
}

func TestDefaultStringForms(t *testing.T) {
	var cases []tc
	for _, q := range quotes {
		for _, p := range slices.Concat(stringPrefixes, fstringPrefixes) {
			// The literal text never matches; code on the next line does.
			code := "x = " + p + q + forbidden + ` {x} ` + q + "\nexec(2)"
			cases = append(cases, tc{fmt.Sprintf("literal/%s%s", p, q), code, "exec", 2, 1})
		}
		for _, p := range fstringPrefixes {
			code := "x = " + p + q + "a {eval(1)} b" + q
			col := len("x = "+p+q+"a {") + 1
			cases = append(cases, tc{fmt.Sprintf("field/%s%s", p, q), code, "eval", 1, col})
		}
	}
	runCases(t, mustParse(t, "default"), cases)
}

func TestStrict(t *testing.T) {
	runCases(t, mustParse(t, "strict"), []tc{
		{"comment", "x = 1  # eval(1)", "eval", 1, 10},
		{"string", "x = 'os.system'", "os.system", 1, 6},
		{"bytes-string", "x = b'subprocess'", "subprocess", 1, 7},
		{"comment-import", "# __import__", "__import__", 1, 3},
		{"exec-in-string", `s = "exec(x)"`, "exec", 1, 6},
		{"open", "open('f')", "open", 1, 1},
		{"open-with-space-token", "with open ('f') as f:\n    pass", "open", 1, 6},
		{"open-in-name-raw", "reopen()", "open", 1, 3},
		{"open-not-called", "f = open", "", 0, 0},
		{"eval-with-space-token", "eval (1)", "eval", 1, 1},
		{"earliest-of-raw-and-token", "x = 1  # open(\neval(1)", "open", 1, 10},
		{"clean", "print(sum(range(10)))", "", 0, 0},
		{"crlf", "x = 1\r\n# os.system\r\n", "os.system", 2, 3},
	})
}

func TestStrictRejectsWhatDefaultRejects(t *testing.T) {
	strict := mustParse(t, "strict")
	for _, c := range defaultCases {
		if c.want == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			if err := strict.Check(c.code); !errors.Is(err, ErrRejected) {
				t.Fatalf("strict Check(%q) = %v, want a violation", c.code, err)
			}
		})
	}
}

func TestOff(t *testing.T) {
	off := mustParse(t, "off")
	for _, c := range slices.Concat(defaultCases, []tc{{"strict-only", "open('f') # eval(", "", 0, 0}}) {
		t.Run(c.name, func(t *testing.T) {
			if err := off.Check(c.code); err != nil {
				t.Fatalf("off Check(%q) = %v, want nil", c.code, err)
			}
		})
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct{ spec, name string }{{"", "default"}, {"default", "default"}, {"strict", "strict"}, {"off", "off"}} {
		t.Run("ok/"+c.name+"/"+c.spec, func(t *testing.T) {
			if got := mustParse(t, c.spec).Name(); got != c.name {
				t.Fatalf("Parse(%q).Name() = %q, want %q", c.spec, got, c.name)
			}
		})
	}
	for _, spec := range []string{"Default", " strict", "none", "policy.yaml", "/etc/pycage/policy.json"} {
		t.Run("error/"+spec, func(t *testing.T) {
			p, err := Parse(spec)
			if err == nil || p != nil {
				t.Fatalf("Parse(%q) = %v, %v; want an error", spec, p, err)
			}
			// Not a built-in name, so a policy file path; none of these exists.
			if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), fmt.Sprintf("%q", spec)) ||
				!strings.Contains(err.Error(), "is not default, strict or off") {
				t.Fatalf("Parse(%q) error %q does not name the spec, the built-in names and the missing file", spec, err)
			}
		})
	}
}

func TestRules(t *testing.T) {
	for _, c := range []struct {
		spec  string
		names []string
	}{
		{"default", []string{"subprocess", "os.system", "eval", "exec", "__import__"}},
		{"strict", []string{"subprocess", "os.system", "eval", "exec", "__import__", "open"}},
		{"off", nil},
	} {
		t.Run(c.spec, func(t *testing.T) {
			var names []string
			for _, r := range mustParse(t, c.spec).Rules() {
				names = append(names, r.Name)
				if r.Description == "" {
					t.Errorf("rule %q has no description", r.Name)
				}
				if len(r.tokens) >= maxPattern {
					t.Errorf("rule %q: pattern of %d tokens, at most %d", r.Name, len(r.tokens), maxPattern-1)
				}
				if c.spec == "strict" && r.substr == "" {
					t.Errorf("strict rule %q has no substring", r.Name)
				}
			}
			if fmt.Sprint(names) != fmt.Sprint(c.names) {
				t.Fatalf("rules = %v, want %v", names, c.names)
			}
		})
	}
}

func TestNilPolicyIsDefault(t *testing.T) {
	var p *Policy
	if p.Name() != "default" || p.Check("eval(1)") == nil || p.Check("# eval(1)") != nil || len(p.Rules()) != 5 {
		t.Fatal("a nil *Policy does not behave like the default policy")
	}
}

func TestViolationError(t *testing.T) {
	err := mustParse(t, "default").Check("x = 1\ny = 2\nz = eval('1')")
	const want = `rejected by policy: rule "eval" (call of eval) at line 3, column 5`
	if err == nil || err.Error() != want {
		t.Fatalf("Error() = %v, want %q", err, want)
	}
	wrapped := fmt.Errorf("check code: %w", err)
	var v *Violation
	if !errors.Is(wrapped, ErrRejected) || !errors.As(wrapped, &v) || v.Excerpt != "z = eval('1')" {
		t.Fatalf("wrapped violation: Is=%v As=%v %+v", errors.Is(wrapped, ErrRejected), errors.As(wrapped, &v), v)
	}
	for _, c := range []struct {
		v    *Violation
		want string
	}{
		{&Violation{Rule: "os.system", Line: 1, Col: 2}, `rejected by policy: rule "os.system" (call of os.system) at line 1, column 2`},
		{&Violation{Rule: "open", Line: 4, Col: 1}, `rejected by policy: rule "open" (call of open, or the text "open(" anywhere, comments and strings included) at line 4, column 1`},
		{&Violation{Rule: "custom", Line: 1, Col: 1}, `rejected by policy: rule "custom" at line 1, column 1`},
	} {
		t.Run(c.v.Rule, func(t *testing.T) {
			if got := c.v.Error(); got != c.want || !errors.Is(c.v, ErrRejected) {
				t.Fatalf("Error() = %q, want %q", got, c.want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("a", 300)
	cases := []struct {
		name, code, prefix, suffix string
	}{
		{"trimmed", "if x:\n\t  y = eval(1)  \t\n", "y = eval(1)", "y = eval(1)"},
		{"long-match-at-start", "eval(1) + " + long, "eval(1) + a", "…"},
		{"long-match-at-end", long + " + eval(1)", "…", "a + eval(1)"},
		{"long-match-in-middle", long + " + eval(1) + " + long, "…", "…"},
		{"invalid-utf8", "eval(1) # \xff\xfe", "eval(1) # \ufffd\ufffd", "\ufffd"},
		{"crlf", "x\r\neval(1)\r\ny", "eval(1)", "eval(1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v *Violation
			if !errors.As(mustParse(t, "default").Check(c.code), &v) {
				t.Fatal("no violation")
			}
			e := v.Excerpt
			if !utf8.ValidString(e) || utf8.RuneCountInString(e) > maxExcerpt || !strings.Contains(e, "eval(1)") ||
				!strings.HasPrefix(e, c.prefix) || !strings.HasSuffix(e, c.suffix) {
				t.Fatalf("Excerpt = %q (%d runes)", e, utf8.RuneCountInString(e))
			}
		})
	}
}

func TestDeepNestingTerminates(t *testing.T) {
	p := mustParse(t, "default")
	for name, code := range map[string]string{
		"fstrings":     strings.Repeat(`f'{`, 100_000) + "eval(1)",
		"specs":        `f"` + strings.Repeat(`{x:`, 100_000) + "eval(1)",
		"brackets":     strings.Repeat("(", 100_000) + "eval(1)",
		"closers":      strings.Repeat(")]}", 100_000) + "eval(1)",
		"quotes":       strings.Repeat(`"`, 100_001) + "eval(1)",
		"backslashes":  strings.Repeat(`\`, 100_001) + "eval(1)",
		"escape-field": `f"` + strings.Repeat(`\{`, 100_000),
	} {
		t.Run(name, func(t *testing.T) {
			_ = p.Check(code) // must return without panicking
		})
	}
}
