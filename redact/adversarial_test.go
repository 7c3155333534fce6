package redact

import (
	"strings"
	"testing"
	"time"
)

// TestRedactAdversarialLinear feeds inputs built to make a careless matcher quadratic (many
// keyword hits that fail late, long runs of a repeated value, endless escapes). Each must be
// redacted in time linear in its size; the bound is loose enough for -race.
func TestRedactAdversarialLinear(t *testing.T) {
	const size = 256 << 10
	sec := fakeSecret(t, 20)
	r := New([]Secret{{"SEC", sec}, {"RUN", strings.Repeat("a", 40)}})
	key := "-----BEGIN RSA PRIVATE" + " KEY-----"
	cases := []struct{ name, unit string }{
		{"pem-begin-no-body", key + "!"},
		{"pem-begin-wrong-end", key + "\n-----END CERTIFICATE-----\n"},
		{"pem-begin-only", key + "\n"},
		{"sk", "sk-"},
		{"sk-word", "sk-a "},
		{"jwt-head", "eyJ"},
		{"jwt-two", "eyJabcdefghijk.eyJabcdefghijk."},
		{"aws", "AKIA"},
		{"run", "a"},
		{"backslashes", `\`},
		{"unicode-escapes", `\u0061`},
		{"percent", "%"},
		{"csi", "\x1b["},
		{"zero-width", "\u200b"},
		{"marker-prefix", "[REDACTED:"},
		{"markers", "[REDACTED:SEC]"},
		{"secret", sec},
		{"secret-spelled", spell(sec, " ") + "\n"},
		{"secret-prefix", sec[:len(sec)-1] + " "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := strings.Repeat(c.unit, size/len(c.unit)+1)
			start := time.Now()
			out, _ := r.Redact(in)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v for %d bytes", d, len(in))
			}
			if strings.Contains(out, sec) {
				t.Errorf("secret survived")
			}
		})
	}
}
