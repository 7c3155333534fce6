package policy

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheck checks that Check returns (never panics, never hangs) on any input
// and that what it returns is well formed: a *Violation with a position inside
// the code and a short valid excerpt, strict rejecting whatever default does,
// and a comment line in front moving a default violation down by one line.
func FuzzCheck(f *testing.F) {
	for _, c := range defaultCases {
		f.Add(c.code)
	}
	for _, s := range []string{
		"", "f", `f"`, `f"{`, `f"{x:`, `f"{x:{`, `rf"\N{`, `f"\N{`, `'''`, `"""""`, "\\", "\r", "\r\n\\\r",
		`f"{f'{f"{f'{eval(1)}'}"}'}"`, `t"{x!r:{y}}"`, "\xff\xfe\xfd", "ｅｖａｌ(", "f'''{\n#}'''\neval(1)",
	} {
		f.Add(s)
	}
	def, strict, off := mustParse(f, "default"), mustParse(f, "strict"), mustParse(f, "off")
	f.Fuzz(func(t *testing.T, code string) {
		if err := off.Check(code); err != nil {
			t.Fatalf("off rejected: %v", err)
		}
		dv := checkViolation(t, def, code)
		sv := checkViolation(t, strict, code)
		if dv != nil && sv == nil {
			t.Fatalf("default rejects (%v) but strict accepts %q", dv, code)
		}
		if dv == nil {
			return
		}
		moved := checkViolation(t, def, "# comment\n"+code)
		if moved == nil || moved.Rule != dv.Rule || moved.Line != dv.Line+1 || moved.Col != dv.Col {
			t.Fatalf("after a comment line: %v, want %v one line down", moved, dv)
		}
	})
}

// checkViolation runs p.Check and checks the shape of its result.
func checkViolation(t *testing.T, p *Policy, code string) *Violation {
	t.Helper()
	err := p.Check(code)
	if err == nil {
		return nil
	}
	var v *Violation
	if !errors.As(err, &v) || !errors.Is(err, ErrRejected) {
		t.Fatalf("%s: Check returned %T %v", p.Name(), err, err)
	}
	lines := 1 + strings.Count(code, "\n") + strings.Count(code, "\r") - strings.Count(code, "\r\n")
	if v.Line < 1 || v.Line > lines || v.Col < 1 || v.Col > utf8.RuneCountInString(code) {
		t.Fatalf("%s: position %d:%d outside the code (%d lines)", p.Name(), v.Line, v.Col, lines)
	}
	if !utf8.ValidString(v.Excerpt) || utf8.RuneCountInString(v.Excerpt) > maxExcerpt {
		t.Fatalf("%s: bad excerpt %q", p.Name(), v.Excerpt)
	}
	return v
}

// benchCode is about 256 KiB of clean Python with comments, strings and
// f-strings, so Check scans all of it.
var benchCode = func() string {
	const unit = `# A comment that mentions eval( and subprocess but is only a comment.
import json, math
from collections import defaultdict

def summarize(rows, key="name"):
    """Group rows by key; the docstring says exec( and os.system too."""
    groups = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return {k: len(v) for k, v in groups.items()}

values = [math.sqrt(i) * 1.5e-3 for i in range(100)]
label = f"total={sum(values):.3f} n={len(values)!r} {'ok' if values else 'empty'}"
raw = rb'\x00\\d+' + b"bytes"
print(json.dumps({"label": label, "groups": summarize([{"name": "a"}, {"name": "b"}])}))
`
	return strings.Repeat(unit, 256<<10/len(unit)+1)[:256<<10]
}()

func BenchmarkCheck(b *testing.B) {
	for _, spec := range []string{"default", "strict"} {
		b.Run(spec, func(b *testing.B) {
			p := mustParse(b, spec)
			if spec == "default" {
				if err := p.Check(benchCode); err != nil {
					b.Fatalf("bench code rejected: %v", err)
				}
			}
			b.SetBytes(int64(len(benchCode)))
			b.ReportAllocs()
			for b.Loop() {
				_ = p.Check(benchCode)
			}
		})
	}
}
