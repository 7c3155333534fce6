package redact

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// stableB64 encodes pre+v+suf with enc and returns the characters that depend on v alone.
func stableB64(enc *base64.Encoding, pre []byte, v string, suf []byte) (blob, stable string) {
	buf := append(append(append([]byte{}, pre...), v...), suf...)
	blob = enc.EncodeToString(buf)
	k, n := len(pre), len(v)
	return blob, blob[(8*k+5)/6 : 8*(k+n)/6]
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 32
		case r >= 'A' && r <= 'Z':
			return r + 32
		}
		return r
	}, s)
}

func altCase(s string) string {
	b := []byte(s)
	for i := range b {
		if i%2 == 0 {
			b[i] = strings.ToUpper(string(b[i]))[0]
		}
	}
	return string(b)
}

func jsonInner(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func eachByte(v, format string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		fmt.Fprintf(&b, format, v[i])
	}
	return b.String()
}

// eachRune formats every UTF-16 code unit of v, as JSON's \uXXXX escapes do.
func eachRune(v, format string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(v)) {
		fmt.Fprintf(&b, format, u)
	}
	return b.String()
}

// TestRedactHostSecret covers every transformation of a host secret value the redactor must
// catch: each case names the output of some code and the strings that must not survive.
func TestRedactHostSecret(t *testing.T) {
	sec := fakeSecret(t, 24)                                              // long: any case
	short := fakeSecret(t, 10)                                            // short: exact case
	special := randString(t, 8, alnum) + `"\/ +&=?%#'` + fakeSecret(t, 8) // needs escaping
	r := New([]Secret{{"SEC", sec}, {"SHORT", short}, {"SPECIAL", special}})
	pre, suf := randBytes(t, 2), randBytes(t, 9)

	type tc struct {
		name, secret, text string
		forbidden          []string
	}
	var cases []tc
	add := func(name, secret, text string, forbidden ...string) {
		cases = append(cases, tc{name, secret, text, append(forbidden, secretOf(secret, sec, short, special))})
	}
	add("plain", "SEC", "token="+sec+"\n", sec)
	add("plain/short", "SHORT", "pw: "+short+".", short)
	add("plain/special", "SPECIAL", "x "+special+" y", special)
	add("plain/in-word", "SEC", "abc"+sec+"xyz", sec)
	add("plain/in-traceback", "SEC",
		"Traceback (most recent call last):\n  File \"<string>\", line 3, in <module>\nValueError: bad key "+sec+"\n", sec)
	for _, e := range []struct {
		name string
		enc  *base64.Encoding
	}{{"std", base64.StdEncoding}, {"url", base64.URLEncoding}, {"std-raw", base64.RawStdEncoding}, {"url-raw", base64.RawURLEncoding}} {
		for k := range 3 {
			for _, v := range []struct{ name, val string }{{"SEC", sec}, {"SPECIAL", special}, {"SHORT", short}} {
				blob, stable := stableB64(e.enc, pre[:k], v.val, suf)
				add(fmt.Sprintf("base64/%s/offset%d/%s", e.name, k, v.name), v.name, "data: "+blob+"\n", stable)
			}
		}
		whole := e.enc.EncodeToString([]byte(sec))
		add("base64/"+e.name+"/whole", "SEC", "b64="+whole, whole)
	}
	add("hex/lower", "SEC", hex.EncodeToString([]byte(sec)), hex.EncodeToString([]byte(sec)))
	add("hex/upper", "SEC", strings.ToUpper(hex.EncodeToString([]byte(sec))), strings.ToUpper(hex.EncodeToString([]byte(sec))))
	add("hex/mixed", "SHORT", altCase(hex.EncodeToString([]byte(short))), altCase(hex.EncodeToString([]byte(short))))
	add("hex/spaced", "SEC", strings.TrimSpace(eachByte(sec, "%02x ")), strings.TrimSpace(eachByte(sec, "%02x ")))
	add("hex/python-bytes", "SPECIAL", eachByte(special, `\x%02x`), eachByte(special, `\x%02x`))
	q, p := url.QueryEscape(special), url.PathEscape(special)
	add("percent/query", "SPECIAL", "https://x.test/?k="+q+"&a=1", q)
	add("percent/path", "SPECIAL", "https://x.test/"+p+"/y", p)
	add("percent/query-lower-hex", "SPECIAL", "k="+lowerPercent(q), lowerPercent(q))
	add("percent/every-byte", "SEC", eachByte(sec, "%%%02X"), eachByte(sec, "%%%02X"))
	add("percent/every-byte-lower", "SHORT", eachByte(short, "%%%02x"), eachByte(short, "%%%02x"))
	js := jsonInner(t, special)
	add("json/marshal", "SPECIAL", `{"key": `+js+`}`, js[1:len(js)-1])
	add("json/escaped-slash", "SPECIAL", strings.ReplaceAll(js, "/", `\/`), strings.ReplaceAll(js[1:len(js)-1], "/", `\/`))
	add("json/unicode-escapes", "SEC", `"`+eachRune(sec, `\u%04x`)+`"`, eachRune(sec, `\u%04x`))
	add("json/unicode-escapes-upper", "SHORT", eachRune(short, `\u%04X`), eachRune(short, `\u%04X`))
	add("json/mixed-escapes", "SHORT", `"`+eachRune(short[:4], `\u%04x`)+short[4:]+`"`, short[4:])
	add("json/dumps-list", "SEC", jsonInner(t, strings.Split(sec, "")), jsonInner(t, strings.Split(sec, "")))
	pyRepr := "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(special) + "'"
	add("python/repr", "SPECIAL", "print(repr(x)) -> "+pyRepr, pyRepr[1:len(pyRepr)-1])
	add("python/list-repr", "SEC", fmt.Sprintf("%q", strings.Split(sec, "")), fmt.Sprintf("%q", strings.Split(sec, "")))
	add("python/joined-newline-repr", "SEC", "'"+spell(sec, `\n`)+"'", spell(sec, `\n`))
	add("reversed", "SEC", "olleh "+reverse(sec), reverse(sec))
	add("reversed/short", "SHORT", reverse(short)+"!", reverse(short))
	add("case/upper", "SEC", strings.ToUpper(sec), strings.ToUpper(sec))
	add("case/lower", "SEC", strings.ToLower(sec), strings.ToLower(sec))
	add("case/swapped", "SEC", swapCase(sec), swapCase(sec))
	add("case/spelled-upper", "SEC", spell(strings.ToUpper(sec), " "), spell(strings.ToUpper(sec), " "))
	for _, sep := range []struct{ name, sep string }{
		{"space", " "}, {"spaces", "   "}, {"tab", "\t"}, {"newline", "\n"}, {"crlf", "\r\n"},
		{"comma", ","}, {"comma-space", ", "}, {"semicolon", ";"}, {"dash", "-"}, {"underscore", "_"},
		{"dot", "."}, {"pipe", "|"}, {"quote", "'"}, {"double-quote", `"`}, {"mixed", " ,-_.|;\t"},
		{"zwsp", "\u200b"}, {"zwnj", "\u200c"}, {"zwj", "\u200d"}, {"bom", "\ufeff"},
		{"ansi", "\x1b[31m"}, {"ansi-reset-newline", "\x1b[0m\n\x1b[1;32m"},
	} {
		for _, v := range []struct{ name, val string }{{"SEC", sec}, {"SHORT", short}} {
			text := spell(v.val, sep.sep)
			add("separated/"+sep.name+"/"+v.name, v.name, "out: "+text+"\n", text)
		}
	}
	add("separated/one-char-per-line", "SEC", spell(sec, "\n")+"\n", spell(sec, "\n"))
	colored := ""
	for _, c := range sec {
		colored += "\x1b[3" + string('1'+c%6) + "m" + string(c) + "\x1b[0m"
	}
	add("separated/ansi-colour-per-char", "SEC", colored, colored)
	add("separated/after-unterminated-escape", "SHORT", "\x1b["+spell(short, " "), spell(short, " "))
	add("separated/reversed", "SEC", spell(reverse(sec), "\n"), spell(reverse(sec), "\n"))

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, n := r.Redact(c.text)
			assertRedacted(t, c.text, out, n, c.secret, c.forbidden...)
		})
	}
}

func secretOf(name, sec, short, special string) string {
	switch name {
	case "SEC":
		return sec
	case "SHORT":
		return short
	}
	return special
}

// TestRedactShortSecretCase: values under 16 characters match in their own case only, so a
// short value does not eat words that differ in case.
func TestRedactShortSecretCase(t *testing.T) {
	short := fakeSecret(t, 10)
	r := New([]Secret{{"SHORT", short}})
	in := swapCase(short)
	if out, n := r.Redact(in); out != in || n != 0 {
		t.Errorf("Redact(%q) = %q, %d; want unchanged", in, out, n)
	}
}

// TestRedactMultiLine covers a PEM-like value: whole, line by line, and re-wrapped.
func TestRedactMultiLine(t *testing.T) {
	var lines []string
	for range 5 {
		lines = append(lines, randString(t, 64, alnum+"+/"))
	}
	value := "-----BEGIN TEST BLOB-----\n" + strings.Join(lines, "\n") + "\n-----END TEST BLOB-----\n"
	r := New([]Secret{{"PEM", value}})
	cases := []struct{ name, text string }{
		{"whole", "key:\n" + value + "done"},
		{"crlf", strings.ReplaceAll(value, "\n", "\r\n")},
		{"json", jsonInner(t, value)},
		{"one-line", strings.ReplaceAll(value, "\n", "")},
		{"rewrapped", strings.Join(lines, "")[:100] + "\n" + strings.Join(lines, "")[100:]},
	}
	for i, l := range lines {
		cases = append(cases, struct{ name, text string }{fmt.Sprintf("line%d", i), "> " + l + " <"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, n := r.Redact(c.text)
			assertRedacted(t, c.text, out, n, "PEM", lines...)
		})
	}
}

// TestRedactOverlap: overlapping secrets leave no clear text, the longer one names a span.
func TestRedactOverlap(t *testing.T) {
	x, y, z := fakeSecret(t, 10), fakeSecret(t, 10), fakeSecret(t, 10)
	long := fakeSecret(t, 30)
	inner := long[5:20]
	r := New([]Secret{{"A", x + y}, {"B", y + z}, {"LONG", long}, {"INNER", inner}})
	cases := []struct {
		name, text, want string
		n                int
	}{
		{"chained", "<" + x + y + z + ">", "<" + marker("A") + marker("B") + ">", 2},
		{"contained", "<" + long + ">", "<" + marker("LONG") + ">", 1},
		{"inner-alone", "<" + inner + ">", "<" + marker("INNER") + ">", 1},
		{"repeated", strings.Repeat(long, 50), marker("LONG"), 1},
		{"adjacent", x + y + " " + x + y, marker("A") + " " + marker("A"), 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, n := r.Redact(c.text)
			if out != c.want || n != c.n {
				t.Errorf("Redact(%q) = %q, %d; want %q, %d", c.text, out, n, c.want, c.n)
			}
		})
	}
}

// TestRedactIdempotent: a second pass changes nothing and counts nothing.
func TestRedactIdempotent(t *testing.T) {
	sec := fakeSecret(t, 20)
	r := New([]Secret{{"SEC", sec}, {"REDACTED", "REDACTED:SEC]"}, {"SECRET_NAME", "SECRET_NAME_VALUE"}})
	ghp := "ghp_" + randString(t, 36, alnum)
	for _, in := range []string{
		sec,
		sec + sec,
		"a" + spell(sec, " ") + "b",
		"[REDACTED:SEC]" + sec,
		"[REDACTED:SEC" + sec + "]",
		"x" + ghp + sec + ghp,
		"SECRET_NAME_VALUE and [REDACTED:SECRET_NAME]",
		strings.Repeat("[REDACTED:", 3) + sec,
	} {
		once, n1 := r.Redact(in)
		twice, n2 := r.Redact(once)
		if twice != once || n2 != 0 {
			t.Errorf("Redact not idempotent on %q:\n once %q (%d)\ntwice %q (%d)", in, once, n1, twice, n2)
		}
		if strings.Contains(once, sec) {
			t.Errorf("secret survived in %q", once)
		}
	}
}

// TestNewIgnoresShortValues: values under MinSecretLen are not registered, trimmed ones are.
func TestNewIgnoresShortValues(t *testing.T) {
	tiny := fakeSecret(t, MinSecretLen-1)
	padded := fakeSecret(t, 12)
	r := New([]Secret{{"TINY", tiny}, {"PADDED", "  " + padded + "\n"}})
	if out, n := r.Redact("v=" + tiny); n != 0 {
		t.Errorf("short value redacted: %q", out)
	}
	out, n := r.Redact("v=" + padded + ";")
	assertRedacted(t, padded, out, n, "PADDED", padded)
	for _, r := range []*Redactor{New(nil), New([]Secret{}), nil, {}} {
		if out, n := r.Redact("nothing here"); out != "nothing here" || n != 0 {
			t.Errorf("empty Redactor changed text: %q", out)
		}
	}
}

// TestMaxEncodedLen: the bound covers every literal form and the rules.
func TestMaxEncodedLen(t *testing.T) {
	long := fakeSecret(t, 4000)
	r := New([]Secret{{"LONG", long}})
	if got, min := r.MaxEncodedLen(), len(eachRune(long, `\u%04x`)); got < min {
		t.Errorf("MaxEncodedLen = %d, want >= %d", got, min)
	}
	if got := New(nil).MaxEncodedLen(); got != pemMaxLen {
		t.Errorf("MaxEncodedLen without secrets = %d, want %d", got, pemMaxLen)
	}
	out, n := r.Redact("x" + strings.ToLower(long) + "y")
	assertRedacted(t, "long", out, n, "LONG", strings.ToLower(long)[:100])
}

// TestRedactConcurrent runs one Redactor from many goroutines (meaningful under -race).
func TestRedactConcurrent(t *testing.T) {
	sec := fakeSecret(t, 20)
	r := New([]Secret{{"SEC", sec}})
	in := strings.Repeat("log line "+spell(sec, " ")+" and "+sec+"\n", 20)
	want, _ := r.Redact(in)
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				for range 20 {
					if got, _ := r.Redact(in); got != want {
						t.Errorf("concurrent Redact differs")
					}
				}
			})
		}
	})
}

// TestMarkersNeverMatch: a marker, of a secret or of a rule, is never redacted again, even when
// the secret's name looks like a token.
func TestMarkersNeverMatch(t *testing.T) {
	tokenName := "gh" + "p_" + randString(t, 36, alnum)
	awsName := "AK" + "IA" + randString(t, 16, upperNum)
	r := New([]Secret{{"SEC", fakeSecret(t, 20)}, {tokenName, fakeSecret(t, 12)}, {awsName, fakeSecret(t, 30)},
		{"weird name/with:chars", fakeSecret(t, 16)}})
	for _, m := range r.labels {
		for _, in := range []string{m, m + m, "x" + m + "y", spell(m, " ")} {
			if out, n := r.Redact(in); out != in || n != 0 {
				t.Errorf("Redact(%q) = %q, %d", in, out, n)
			}
		}
	}
	if !slices.Contains(r.labels, "[REDACTED:weird_name_with_chars]") {
		t.Errorf("name not sanitized: %q", r.labels)
	}
}

// TestRedactLaterPasses: a replacement can expose a match that was not there before (a token
// whose left neighbour was a secret's last character). Later passes search only around the
// changes; the result must equal searching the whole text again until nothing matches.
func TestRedactLaterPasses(t *testing.T) {
	sec := fakeSecret(t, 20)
	bs := fakeSecret(t, 12) + `\`
	r := New([]Secret{{"SEC", sec}, {"BS", bs}})
	filler := strings.Repeat("2024-06-10 12:00:00 INFO nothing to see here n=42\n", 2000)
	long := strings.Repeat("x", 40<<10)
	tok := func() string { return "gh" + "p_" + randString(t, 36, alnum) }
	cases := []struct{ name, text string }{
		{"token-after-secret", filler + "k=" + sec + tok() + "\n" + filler + sec + tok()},
		{"long-line", long + sec + tok() + long + sec + tok() + long},
		{"escape-after-secret", filler + bs + `u0041` + strings.Repeat(`\\`, 100) + eachRune(sec, `\u%04x`) + "\n" + filler},
		{"many", strings.Repeat(sec+tok()+" ", 300)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, n := r.Redact(c.text)
			want, wn := fullPasses(r, c.text)
			if got != want || n != wn {
				t.Errorf("Redact differs from full passes: %d vs %d spans", n, wn)
			}
			if strings.Contains(got, "gh"+"p_") || strings.Contains(got, sec) {
				t.Errorf("left a token or the secret")
			}
			if again, n2 := r.Redact(got); again != got || n2 != 0 {
				t.Errorf("not idempotent (%d)", n2)
			}
		})
	}
}

// fullPasses is the reference for Redact: whole-text passes until one finds nothing.
func fullPasses(r *Redactor, s string) (string, int) {
	sc := getScratch(r.needles)
	defer putScratch(sc)
	total := 0
	for range maxPasses {
		out, n := r.redactOnce(s, nil, sc)
		if n == 0 {
			break
		}
		total, s = total+n, out
	}
	return s, total
}

// TestRedactSwallowedFirstChar: text that ends in an unterminated control sequence swallows
// the first character of what follows; a value spelled out right after it is still found.
func TestRedactSwallowedFirstChar(t *testing.T) {
	v := "m" + strings.Repeat(" ", 20) + fakeSecret(t, 10)
	r := New([]Secret{{"V", v}})
	for _, sep := range []string{" ", "\n", "\x1b[0m\n\x1b[1;32m", "\x1b[2K\n", "\u200b"} {
		in := "\x1b[" + spell(v, sep)
		out, n := r.Redact(in)
		assertRedacted(t, in, out, n, "V", v[21:])
	}
}

// TestHoldsHostSecret: host secrets in any form Redact finds, and never a key-format rule.
func TestHoldsHostSecret(t *testing.T) {
	sec := fakeSecret(t, 20)
	r := New([]Secret{{"SEC", sec}})
	for _, s := range []string{sec, "x" + spell(sec, "•") + "y", reverse(sec)} {
		if !r.HoldsHostSecret(s) {
			t.Errorf("HoldsHostSecret(%q) = false", s)
		}
	}
	for _, s := range []string{"ASIAEUROPEAFRICAMENA", "AKIA" + strings.Repeat("Q", 16), "plain text", marker("SEC")} {
		if r.HoldsHostSecret(s) {
			t.Errorf("HoldsHostSecret(%q) = true", s)
		}
	}
}
