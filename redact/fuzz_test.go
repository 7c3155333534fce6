package redact

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeparators are the separators the fuzz test spells secrets out with.
var fuzzSeparators = []string{" ", "\n", "\r\n", "\t", ",", ", ", ";", "-", "_", ".", "|", "'", `"`,
	"\u200b", "\u200c", "\u200d", "\ufeff", "\x1b[31m", "\x1b[0m\n\x1b[1;32m",
	"\u2063", "\ufe0f", "\U000E0020", "\u0332", "\u3164", "\ufffd", "\u0085",
	"\x1b(B\x1b[m", "\x1b[38:2:255:0:0m", "\x1b]8;;https://x.test/\x1b\\", "\x1b]0;t\x07", "\x1b[>4;2m",
	"\u009b1m", strings.Repeat(" ", 40) + "\n", strings.Repeat("\t", maxGap)}

// fuzzEncode returns the text code could print for secret under encoding number enc, and the
// strings that must not survive redaction (empty when the encoding does not apply).
func fuzzEncode(secret, prefix string, enc, sep uint8) (text string, forbidden []string) {
	b64 := func(e *base64.Encoding) (string, []string) {
		k := int(sep) % 3
		pre := []byte(prefix)
		if len(pre) < k {
			pre = append(pre, make([]byte, k)...)
		}
		blob, stable := stableB64(e, pre[:k], secret, []byte(prefix))
		return blob, []string{stable}
	}
	switch enc % 15 {
	case 0:
		return secret, []string{secret}
	case 1:
		return b64(base64.StdEncoding)
	case 2:
		return b64(base64.URLEncoding)
	case 3:
		return b64(base64.RawURLEncoding)
	case 4:
		h := hex.EncodeToString([]byte(secret))
		if sep%2 == 1 {
			h = strings.ToUpper(h)
		}
		return h, []string{h}
	case 5:
		q := url.QueryEscape(secret)
		return q, []string{q}
	case 6:
		p := url.PathEscape(secret)
		return p, []string{p}
	case 7:
		j := jsonForms(secret)[0]
		return j, []string{j}
	case 8:
		u := eachRune(secret, `\u%04x`)
		return u, []string{u}
	case 9:
		x := eachByte(secret, `\x%02x`)
		return x, []string{x}
	case 10:
		rv := reverse(secret)
		return rv, []string{rv}
	case 11:
		if utf8.RuneCountInString(secret) < ciMinLen {
			return "", nil
		}
		up := asciiUpper(secret)
		return up, []string{up}
	case 12:
		s := eachByte(secret, "%%%02X")
		return s, []string{s}
	case 13:
		if !utf8.ValidString(secret) {
			return "", nil
		}
		// Python's backslashreplace; what Python itself writes is pinned by the e2e test.
		b := asciiEscaped(secret, true)
		return b, []string{b}
	default:
		if len(secret) > maxSpacedLen || len(normalizeString(streamSep, secret)) < MinSecretLen {
			return "", nil // documented: not searched for spelled out
		}
		s := spell(secret, fuzzSeparators[int(sep)%len(fuzzSeparators)])
		return s, []string{s}
	}
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// FuzzRedact: whatever the secret, the surrounding text and the encoding, neither the secret
// nor its encoded form survives, and redacting the result again changes nothing.
func FuzzRedact(f *testing.F) {
	f.Add("Zq9xLm2PwR7tKv3N", "before ", " after", uint8(0), uint8(0))
	f.Add("s3cr3t-value!", "x=", "\n", uint8(1), uint8(1))
	f.Add("p@ss w0rd/+&=?", "url: https://h/?q=", "&z", uint8(5), uint8(2))
	f.Add("mAbcdefgh", "\x1b[", "", uint8(13), uint8(17))
	f.Add("12mabcdefgh", "\x1b[", "", uint8(13), uint8(6))
	f.Add("äöü-ß€-Ωñ-日本語", "«", "»", uint8(8), uint8(3))
	f.Add("line1 value\nline2 value", `"`, `"`, uint8(7), uint8(4))
	f.Add("AbCdEfGhIjKlMnOpQr", "[REDACTED:FU", "ZZ]", uint8(11), uint8(0))
	f.Add("abcdefgh", "\\", "%", uint8(13), uint8(9))
	f.Add("Zq9xLm2PwR7tKv3N", "\x1b]0;", "\x07", uint8(13), uint8(26)) // tput sgr0 inside a title
	f.Add("p@ss w0rd/+&=?", "", "", uint8(13), uint8(28))              // OSC 8 hyperlinks
	f.Add("s3cr3t-value!", "\xff", "\u0332", uint8(13), uint8(24))     // U+FFFD
	f.Add("mAbcdefgh", "\x1b(", "", uint8(13), uint8(33))              // 256 tabs
	f.Add("0123456789", "\u009b", "", uint8(13), uint8(31))            // C1 CSI
	f.Fuzz(func(t *testing.T, secret, prefix, suffix string, enc, sep uint8) {
		if len(secret) < MinSecretLen || len(secret) > 1024 || !utf8.ValidString(secret) ||
			strings.Contains(secret, "REDACTED") {
			return // secrets are text; one that contains marker text is documented as out of scope
		}
		form, forbidden := fuzzEncode(secret, prefix, enc, sep)
		if form == "" {
			return
		}
		r := New([]Secret{{"FUZZ", secret}})
		in := prefix + form + suffix
		out, n := r.Redact(in)
		for _, s := range append(forbidden, secret) {
			if strings.Contains(out, s) {
				t.Fatalf("%q survived (count %d)\n in: %q\nout: %q", s, n, in, out)
			}
		}
		if again, n2 := r.Redact(out); again != out || n2 != 0 {
			t.Fatalf("second pass changed the text (%d)\nonce: %q\ntwice: %q", n2, out, again)
		}
		if full, fn := fullPasses(r, in); full != out || fn != n {
			t.Fatalf("windowed passes differ from full passes\n in: %q\nout: %q\nfull: %q", in, out, full)
		}
	})
}
