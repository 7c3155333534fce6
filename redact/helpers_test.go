package redact

import (
	"crypto/rand"
	"math/big"
	"strings"
	"testing"
)

const (
	alnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperNum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b64url    = alnum + "-_"
	punctual  = alnum + `"\/ +&=?%#'`
	hexDigits = "0123456789abcdef"
)

// randString returns n characters drawn from alphabet with crypto/rand. Test secrets and
// test tokens are built at run time, so no file holds anything that looks like a real key.
func randString(tb testing.TB, n int, alphabet string) string {
	tb.Helper()
	var b strings.Builder
	max := big.NewInt(int64(len(alphabet)))
	for range n {
		i, err := rand.Int(rand.Reader, max)
		if err != nil {
			tb.Fatal(err)
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

// fakeSecret returns a random alphanumeric value of n bytes with at least one digit, one
// upper- and one lower-case letter.
func fakeSecret(tb testing.TB, n int) string {
	tb.Helper()
	return randString(tb, n-3, alnum) + randString(tb, 1, "ABCDEFGHJKLMNPQRSTUVWXYZ") +
		randString(tb, 1, "abcdefghijkmnopqrstuvwxyz") + randString(tb, 1, "23456789")
}

// randBytes returns n random bytes.
func randBytes(tb testing.TB, n int) []byte {
	tb.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return b
}

// spell joins the characters of s with sep.
func spell(s, sep string) string {
	return strings.Join(strings.Split(s, ""), sep)
}

// marker is the replacement text for name.
func marker(name string) string { return "[REDACTED:" + name + "]" }

// assertRedacted checks that out holds none of the forbidden strings, does hold the marker
// of name, and that n counts at least one span.
func assertRedacted(tb testing.TB, in, out string, n int, name string, forbidden ...string) {
	tb.Helper()
	for _, f := range forbidden {
		if f != "" && strings.Contains(out, f) {
			tb.Errorf("output still contains %q\n in: %q\nout: %q", f, in, out)
		}
	}
	if !strings.Contains(out, marker(name)) {
		tb.Errorf("output lacks %s\n in: %q\nout: %q", marker(name), in, out)
	}
	if n <= 0 {
		tb.Errorf("count = %d, want > 0", n)
	}
}
