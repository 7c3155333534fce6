package redact

import (
	"strings"
	"testing"
)

// adversarialUnits are inputs built to make a careless matcher quadratic: many keyword hits
// that fail late, long runs of a repeated value, endless escapes and control sequences. Each is
// repeated to the wanted size.
func adversarialUnits(sec string) []struct{ name, unit string } {
	key := "-----BEGIN RSA PRIVATE" + " KEY-----"
	return []struct{ name, unit string }{
		{"pem-begin-hash", "-----BEGIN PRIVATE" + " KEY-----#"},
		{"pem-begin-no-body", key + "!"},
		{"pem-begin-wrong-end", key + "\n-----END CERTIFICATE-----\n"},
		{"pem-begin-only", key + "\n"},
		{"pem-begin-short-lines", key + "\nQUJD\nQUJD\n"},
		{"pem-headers", key + "\nProc-Type: 4," + key + "\n"},
		{"pem-blocks", key + "\n" + strings.Repeat("QUJD", 16) + "\n"},
		{"sk", "sk-"},
		{"sk-word", "sk-a "},
		{"sk-ant-glued", "sk-ant-"},
		{"sk-ant-mixed", "x_sk-ant-Ab1"},
		{"ghp-glued", "ghp_"},
		{"ghp-token", "_ghp_" + strings.Repeat("A1", 18)},
		{"jwt-head", "eyJ"},
		{"jwt-dots", ".eyJ"},
		{"jwt-two", "eyJabcdefghijk.eyJabcdefghijk."},
		{"sendgrid", "SG."},
		{"aws", "AKIA"},
		{"twilio", "SKa"},
		{"run", "a"},
		{"backslashes", `\`},
		{"unicode-escapes", `\u0061`},
		{"percent", "%"},
		{"csi", "\x1b["},
		{"csi-params", "\x1b[" + strings.Repeat("1;", 100)},
		{"osc", "\x1b]"},
		{"osc-long", "\x1b]0;" + strings.Repeat("t", 300)},
		{"c1-osc", "\u009d0;"},
		{"esc-intermediates", "\x1b(((("},
		{"zero-width", "\u200b"},
		{"combining", "a\u0332"},
		{"invalid", "\xff"},
		{"marker-prefix", "[REDACTED:"},
		{"markers", "[REDACTED:SEC]"},
		{"secret", sec},
		{"secret-spelled", spell(sec, " ") + "\n"},
		{"secret-spelled-wide", spell(sec, strings.Repeat(" ", maxGap)) + "\n"},
		{"secret-prefix", sec[:len(sec)-1] + " "},
	}
}

// TestRedactAdversarial: every adversarial input is redacted without leaving the secret, and
// redacting the result again changes nothing. Their cost is checked by TestAdversarialBudget.
func TestRedactAdversarial(t *testing.T) {
	const size = 256 << 10
	sec := fakeSecret(t, 20)
	r := New([]Secret{{"SEC", sec}, {"RUN", strings.Repeat("a", 40)}})
	for _, c := range adversarialUnits(sec) {
		t.Run(c.name, func(t *testing.T) {
			in := strings.Repeat(c.unit, size/len(c.unit)+1)
			out, n := r.Redact(in)
			if strings.Contains(out, sec) {
				t.Errorf("secret survived")
			}
			if again, n2 := r.Redact(out); n2 != 0 || again != out {
				t.Errorf("second pass changed the text (%d after %d)", n2, n)
			}
		})
	}
}

// benchAdversarial redacts size bytes of unit repeated, with the 20 host secrets of
// BenchmarkRedact1MiB and a secret of its own.
func benchAdversarial(b *testing.B, unit string, r *Redactor, size int) {
	in := strings.Repeat(unit, size/len(unit)+1)[:size]
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Redact(in)
	}
}

// adversarialRedactor is the Redactor of the adversarial benchmarks, and the secret it knows
// besides the benchmark's 20.
func adversarialRedactor(tb testing.TB) (*Redactor, string) {
	sec := fakeSecret(tb, 20)
	return New(append(benchSecrets(tb), Secret{"SEC", sec})), sec
}

// BenchmarkAdversarialPEM: 512 KiB of BEGIN lines without keys (review 1d).
func BenchmarkAdversarialPEM(b *testing.B) {
	r, _ := adversarialRedactor(b)
	benchAdversarial(b, "-----BEGIN PRIVATE"+" KEY-----#", r, 512<<10)
}

// BenchmarkAdversarial: each adversarial input, 512 KiB.
func BenchmarkAdversarial(b *testing.B) {
	r, sec := adversarialRedactor(b)
	for _, c := range adversarialUnits(sec) {
		b.Run(c.name, func(b *testing.B) { benchAdversarial(b, c.unit, r, 512<<10) })
	}
}
