package redact

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// Regression tests for the leaks an adversarial review found: each case is a printed form of
// a host secret or a key that used to come back in the clear.

// TestRedactInvisibleSeparators (review 1a): format characters, combining marks, Unicode
// spaces, C1 controls and the replacement character between the characters of a secret.
func TestRedactInvisibleSeparators(t *testing.T) {
	sec := fakeSecret(t, 20)
	short := fakeSecret(t, 9)
	r := New([]Secret{{"SEC", sec}, {"SHORT", short}})
	seps := []struct{ name, sep string }{
		{"function-application", "\u2061"}, {"invisible-times", "\u2062"},
		{"invisible-separator", "\u2063"}, {"invisible-plus", "\u2064"},
		{"variation-selector-16", "\ufe0f"}, {"variation-selector-1", "\ufe00"},
		{"variation-selector-supplement", "\U000E0100"},
		{"combining-grapheme-joiner", "\u034f"}, {"mongolian-vowel-separator", "\u180e"},
		{"hangul-filler", "\u3164"}, {"hangul-choseong-filler", "\u115f"},
		{"halfwidth-hangul-filler", "\uffa0"}, {"braille-blank", "\u2800"},
		{"ogham-space", "\u1680"}, {"tag-space", "\U000E0020"}, {"tag-cancel", "\U000E007F"},
		{"combining-low-line", "\u0332"}, {"combining-enclosing-circle", "\u20dd"},
		{"nel", "\u0085"}, {"c1-control", "\u0090"}, {"line-separator", "\u2028"},
		{"arabic-letter-mark", "\u061c"}, {"word-joiner", "\u2060"},
		{"replacement-character", "\ufffd"}, {"invalid-byte", "\xff"},
		{"mixed", "\u2063\ufe0f \u0332"},
	}
	for _, s := range seps {
		for _, v := range []struct{ name, val string }{{"SEC", sec}, {"SHORT", short}} {
			t.Run(s.name+"/"+v.name, func(t *testing.T) {
				in := "out: " + spell(v.val, s.sep) + "\n"
				out, n := r.Redact(in)
				assertRedacted(t, in, out, n, v.name, spell(v.val, s.sep))
			})
		}
	}
	t.Run("combining-mark-after-each", func(t *testing.T) {
		in := spell(sec, "\u0332") + "\u0332" // Python: ''.join(c + '\u0332' for c in S)
		out, n := r.Redact(in)
		assertRedacted(t, in, out, n, "SEC", spell(sec, "\u0332"))
	})
}

// TestRedactTerminalSequences (review 1b): ECMA-48 control sequences of every shape between
// the characters of a secret.
func TestRedactTerminalSequences(t *testing.T) {
	sec := fakeSecret(t, 20)
	r := New([]Secret{{"SEC", sec}})
	longSGR := "\x1b[" + strings.Repeat("1;", 30) + "38;5;196m"
	seps := []struct{ name, sep string }{
		{"tput-sgr0", "\x1b(B\x1b[m"},
		{"truecolor-colon", "\x1b[38:2:255:0:0m"},
		{"truecolor-semicolon", "\x1b[38;2;255;0;0m"},
		{"long-sgr", longSGR},
		{"osc-title-bel", "\x1b]0;title\x07"},
		{"osc-title-st", "\x1b]2;a window title\x1b\\"},
		{"osc8-hyperlink", "\x1b]8;;https://example.com/" + strings.Repeat("p", 100) + "\x1b\\"},
		{"osc8-open-close", "\x1b]8;;\x1b\\\x1b]8;;https://example.com/x\x1b\\"},
		{"private-csi", "\x1b[>4;2m"},
		{"csi-intermediate", "\x1b[2 q"},
		{"dec-private-mode", "\x1b[?25l\x1b[?25h"},
		{"charset-designator", "\x1b(0\x1b)B"},
		{"keypad-mode", "\x1b=\x1b>"},
		{"save-restore-cursor", "\x1b7\x1b8"},
		{"dcs", "\x1bP+q544e\x1b\\"},
		{"c1-csi", "\u009b31m"},
		{"c1-osc", "\u009d0;title\u009c"},
		{"erase-line-newline", "\x1b[2K\r\n"},
	}
	for _, s := range seps {
		t.Run(s.name, func(t *testing.T) {
			in := spell(sec, s.sep) + s.sep
			out, n := r.Redact(in)
			assertRedacted(t, in, out, n, "SEC", spell(sec, s.sep))
		})
	}
	t.Run("colour-per-char-truecolor", func(t *testing.T) {
		var b strings.Builder
		for i, c := range sec {
			fmt.Fprintf(&b, "\x1b[38:2:%d:%d:%dm%c\x1b(B\x1b[m", i*10, 255-i, i, c)
		}
		out, n := r.Redact(b.String())
		assertRedacted(t, b.String(), out, n, "SEC")
	})
	t.Run("inside-osc-title", func(t *testing.T) {
		// The payload of a string sequence is shown to the model as text.
		for _, in := range []string{
			"\x1b]0;" + spell(sec, " ") + "\x07",
			"\x1b]0;" + spell(sec, "\x1b[31m") + "\x07",
			"\x1b]0;" + spell(sec, "\u200b") + "\x1b\\",
		} {
			out, n := r.Redact(in)
			assertRedacted(t, in, out, n, "SEC")
		}
	})
	t.Run("escape-before-each-char", func(t *testing.T) {
		in := "\x1b" + spell(sec, "\x1b")
		out, n := r.Redact(in)
		assertRedacted(t, in, out, n, "SEC")
	})
}

// TestRedactWideGaps (review 1c): long runs of separators between the characters.
func TestRedactWideGaps(t *testing.T) {
	sec := fakeSecret(t, 20)
	short := fakeSecret(t, 8)
	r := New([]Secret{{"SEC", sec}, {"SHORT", short}})
	ljust := func(v string, w int) string { // '\n'.join(c.ljust(w) for c in v)
		var parts []string
		for _, c := range strings.Split(v, "") {
			parts = append(parts, c+strings.Repeat(" ", w-1))
		}
		return strings.Join(parts, "\n")
	}
	cases := []struct{ name, secret, text string }{
		{"ljust-40", "SEC", ljust(sec, 40)},
		{"ljust-200", "SHORT", ljust(short, 200)},
		{"tabs-40", "SEC", spell(sec, strings.Repeat("\t", 40))},
		{"spaces-max-gap", "SEC", spell(sec, strings.Repeat(" ", maxGap))},
		{"newlines-100", "SHORT", spell(short, strings.Repeat("\n", 100))},
		{"ansi-and-spaces", "SEC", spell(sec, "\x1b[0m"+strings.Repeat(" ", 200)+"\x1b[1;31m")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, n := r.Redact(c.text)
			assertRedacted(t, c.text, out, n, c.secret, secretOf(c.secret, sec, short, ""))
			if strings.Count(out, marker(c.secret)) != 1 {
				t.Errorf("want one marker, got %q", out)
			}
		})
	}
	t.Run("longest-value-with-full-gaps", func(t *testing.T) {
		long := fakeSecret(t, maxSpelledSpan/(maxGap+maxTokenLen))
		r := New([]Secret{{"LONG", long}})
		in := spell(long, strings.Repeat(" ", maxGap))
		out, n := r.Redact(in)
		assertRedacted(t, "long", out, n, "LONG", long[:20])
		if got := New([]Secret{{"MAX", fakeSecret(t, maxSpacedLen)}}).MaxEncodedLen(); got > maxSpelledSpan {
			t.Errorf("MaxEncodedLen = %d, want at most %d", got, maxSpelledSpan)
		}
	})
	t.Run("wider-than-max-gap", func(t *testing.T) {
		// Documented limit: one gap wider than maxGap breaks the spelled-out form.
		in := spell(sec[:10], " ") + strings.Repeat(" ", maxGap+1) + spell(sec[10:], " ")
		if out, n := r.Redact(in); n != 0 {
			t.Errorf("matched across a gap wider than maxGap: %q", out)
		}
	})
}

// TestRedactPEMWithoutEnd (review 1e): a BEGIN line without END no longer swallows what
// follows; a cut block's body is still redacted.
func TestRedactPEMWithoutEnd(t *testing.T) {
	r := New(nil)
	begin := "-----BEGIN PRIVATE" + " KEY-----"
	body := func(lines int) string {
		var b strings.Builder
		for range lines {
			b.WriteString(base64.StdEncoding.EncodeToString(randBytes(t, 48)) + "\n")
		}
		return b.String()
	}
	b3 := body(3)
	lines := strings.Split(strings.TrimSpace(b3), "\n")
	cases := []struct {
		name, in, want string
		n              int
	}{
		{"begin-then-text", begin + "\nnext line\n", begin + "\nnext line\n", 0},
		{"begin-then-word", begin + "\nhello\nworld\n", begin + "\nhello\nworld\n", 0},
		{"begin-then-marker-text", "print(" + begin + ")\nok", "print(" + begin + ")\nok", 0},
		{"cut-block-then-text", "key:\n" + begin + "\n" + b3 + "next line\n", "key:\n" + marker("private-key") + "\nnext line\n", 1},
		{"cut-block-at-end", begin + "\n" + b3 + lines[0][:20], marker("private-key"), 1},
		{"cut-block-short-last-line", begin + "\n" + b3 + "QUJD\n", marker("private-key") + "\n", 1},
		{"cut-block-crlf", begin + "\r\n" + strings.ReplaceAll(b3, "\n", "\r\n") + "all done\r\n", marker("private-key") + "\r\nall done\r\n", 1},
		{"cut-block-escaped", `"` + begin + `\n` + strings.ReplaceAll(b3, "\n", `\n`) + `"` + "\nok", `"` + marker("private-key") + `\n"` + "\nok", 1},
		{"short-line-then-text", begin + "\n" + b3 + "QUJD\nnext line", marker("private-key") + "\nQUJD\nnext line", 1},
		{"one-line-block", begin + strings.ReplaceAll(b3, "\n", "") + "-----END PRIVATE" + " KEY-----" + " tail", marker("private-key") + " tail", 1},
		{"space-separated", begin + " " + strings.ReplaceAll(b3, "\n", " ") + "-----END PRIVATE" + " KEY----- tail", marker("private-key") + " tail", 1},
		{"many-begins", strings.Repeat(begin+"\n", 3) + "text", strings.Repeat(begin+"\n", 3) + "text", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, n := r.Redact(c.in)
			if out != c.want || n != c.n {
				t.Errorf("Redact(%q)\n = %q, %d\nwant %q, %d", c.in, out, n, c.want, c.n)
			}
			for _, l := range lines {
				if c.n > 0 && strings.Contains(out, l[:16]) {
					t.Errorf("body line survived: %q", out)
				}
			}
		})
	}
}

// TestRulesGlued (review 1f): a key glued to a word, an identifier or a '_' is still found
// where the provider format makes that safe; a format that needs a boundary keeps needing it.
func TestRulesGlued(t *testing.T) {
	r := New(nil)
	ant := "sk-" + "ant-api03-" + randString(t, 80, b64url) + fakeSecret(t, 15)
	ghp := "gh" + "p_" + randString(t, 36, alnum)
	pat := "github" + "_pat_" + randString(t, 22, alnum) + "_" + randString(t, 59, alnum)
	akia := "AK" + "IA" + randString(t, 16, upperNum)
	oai := "sk-" + fakeSecret(t, 48)
	proj := "sk-" + "proj-" + randString(t, 60, b64url) + fakeSecret(t, 20)
	cases := []struct{ name, before, token, after, rule string }{
		{"anthropic-after-underscore", "x_", ant, "", "anthropic-api-key"},
		{"anthropic-after-letter", "key", ant, "\n", "anthropic-api-key"},
		{"anthropic-after-dash", "my-", ant, "", "anthropic-api-key"},
		{"ghp-after-letter", "token", ghp, " ", "github-pat"},
		{"ghp-after-underscore", "GITHUB_TOKEN_", ghp, "", "github-pat"},
		{"fine-grained-after-letter", "x", pat, "", "github-fine-grained-pat"},
		{"aws-after-letter", "id", akia, " ", "aws-access-token"},
		{"aws-after-underscore", "AWS_", akia, "_x", "aws-access-token"},
		{"aws-at-end", "key=", akia, "", "aws-access-token"},
		{"openai-after-underscore", "OPENAI_", oai, "", "openai-api-key"},
		{"openai-project-after-letter", "x", proj, "", "openai-api-key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.before + c.token + c.after
			out, n := r.Redact(in)
			if want := c.before + marker(c.rule) + c.after; out != want || n != 1 {
				t.Errorf("Redact(%q)\n = %q, %d\nwant %q", in, out, n, want)
			}
		})
	}
	for _, c := range []struct{ name, in string }{
		{"aws-lowercase-after", akia + "x"},
		{"aws-too-long", akia + "Q"},
		{"openai-after-letter", "task" + oai},
		{"openai-in-long-identifier", strings.Repeat("a", 80) + "_" + oai},
		{"ghp-in-base64url-blob", base64.RawURLEncoding.EncodeToString(randBytes(t, 120)) + "_" + ghp},
	} {
		t.Run("not/"+c.name, func(t *testing.T) {
			if out, n := r.Redact(c.in); n != 0 {
				t.Errorf("Redact(%q) = %q, %d; want unchanged", c.in, out, n)
			}
		})
	}
}

// TestNoFalsePositivesShortSecrets: with gaps of up to maxGap bytes between characters, short
// secrets (8 digits, 8 letters and digits) still leave ordinary prose, logs and tracebacks
// alone. The secrets come from a fixed seed, so the test is deterministic; numeric tables are
// not in the corpus (a random 8-digit value is found spelled out in about one MiB of them in
// two hundred, as before the gap was widened: a documented limit).
func TestNoFalsePositivesShortSecrets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var secrets []Secret
	for i := range 10 {
		secrets = append(secrets, Secret{fmt.Sprintf("PIN%d", i), fmt.Sprintf("%08d", rng.IntN(1e8))})
		var b strings.Builder
		for range 8 {
			b.WriteByte(alnum[rng.IntN(len(alnum))])
		}
		secrets = append(secrets, Secret{fmt.Sprintf("PW%d", i), b.String()})
	}
	r := New(secrets)
	// benchOutput embeds a value after 2000 lines only.
	logs := benchOutput([]Secret{{"A", "unused value a"}, {"B", "unused value b"}}, 120<<10)
	if strings.Contains(logs, "unused") {
		t.Fatal("the log corpus holds an embedded value")
	}
	prose := strings.Repeat("The quick brown fox jumps over the lazy dog; meanwhile, 42 of the 1,024 "+
		"workers (about 4.1%) retried at 12:30:45 on 2024-06-10, and the median latency was 0.137 s.\n", 200)
	traceback := strings.Repeat("Traceback (most recent call last):\n  File \"/usr/lib/python3.11/asyncio/base_events.py\", "+
		"line 653, in run_until_complete\n    return future.result()\nTimeoutError: operation timed out after 30.0 seconds\n", 100)
	for _, c := range []struct{ name, text string }{{"logs", logs}, {"prose", prose}, {"traceback", traceback}} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.text) < 10<<10 {
				t.Fatalf("corpus too small: %d bytes", len(c.text))
			}
			if out, n := r.Redact(c.text); out != c.text || n != 0 {
				t.Errorf("changed (%d spans)", n)
			}
		})
	}
}

// TestRedactFinalBytes: each character of a secret written as the final byte of its own
// escape sequence, with intermediates or parameters that are not separators before it
// (ESC # c, ESC [ 1 c, CSI # c). A terminal shows nothing, but the model reads the text.
func TestRedactFinalBytes(t *testing.T) {
	alnumSec := fakeSecret(t, 20)                                                     // ESC intermediates* final(0x30-0x7E)
	letters := randString(t, 20, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ") // CSI final(0x40-0x7E)
	r := New([]Secret{{"ALNUM", alnumSec}, {"LETTERS", letters}})
	cases := []struct{ name, secret, value, prefix string }{
		{"esc-hash", "ALNUM", alnumSec, "\x1b#"},
		{"esc-dollar", "ALNUM", alnumSec, "\x1b$"},
		{"esc-ampersand", "ALNUM", alnumSec, "\x1b&"},
		{"esc-percent", "ALNUM", alnumSec, "\x1b%"},
		{"esc-two-intermediates", "ALNUM", alnumSec, "\x1b$#"},
		{"csi-intermediate", "LETTERS", letters, "\x1b[#"},
		{"csi-digit-parameter", "LETTERS", letters, "\x1b[1"},
		{"csi-parameters", "LETTERS", letters, "\x1b[38;5;196"},
		{"c1-csi-intermediate", "LETTERS", letters, "\u009b#"},
		{"c1-csi-parameter", "LETTERS", letters, "\u009b12"},
		// A digit after parameters is a parameter too: the CSI is cut short by the next one,
		// and its last parameter byte is the character.
		{"csi-digit-parameter-alnum", "ALNUM", alnumSec, "\x1b[1"},
		{"csi-parameters-alnum", "ALNUM", alnumSec, "\x1b[38;5;"},
		{"c1-csi-parameter-alnum", "ALNUM", alnumSec, "\u009b12"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			for _, ch := range c.value {
				b.WriteString(c.prefix)
				b.WriteRune(ch)
			}
			in := "before " + b.String() + " after"
			out, n := r.Redact(in)
			assertRedacted(t, in, out, n, c.secret, b.String()[len(c.prefix):])
			if again, _ := r.Redact(out); again != out {
				t.Errorf("redacting twice changed %q to %q", out, again)
			}
		})
	}
}

// TestRedactStringSequences: one character per window title, APC, DCS, PM or SOS string,
// and a secret split across two titles: their text is what the model reads.
func TestRedactStringSequences(t *testing.T) {
	sec := fakeSecret(t, 24)
	r := New([]Secret{{"SEC", sec}})
	per := func(open, end string) string {
		var b strings.Builder
		for _, c := range sec {
			b.WriteString(open + string(c) + end)
		}
		return b.String()
	}
	for _, c := range []struct{ name, in string }{
		{"osc-title-bel-each", per("\x1b]0;", "\x07")},
		{"osc-title-st-each", per("\x1b]2;", "\x1b\\")},
		{"apc-each", per("\x1b_", "\x1b\\")},
		{"dcs-each", per("\x1bP", "\x1b\\")},
		{"pm-each", per("\x1b^", "\x1b\\")},
		{"sos-each", per("\x1bX", "\x1b\\")},
		{"c1-osc-each", per("\u009d0;", "\u009c")},
		{"two-titles", "\x1b]0;" + sec[:12] + "\x07\x1b]0;" + sec[12:] + "\x07"},
		{"osc8-uri-halves", "\x1b]8;;" + sec[:12] + "\x1b\\\x1b]8;;" + sec[12:] + "\x1b\\"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, n := r.Redact("x " + c.in + " y")
			assertRedacted(t, c.in, out, n, "SEC")
			if v := normalizeString(streamFinal, out); strings.Contains(v, sec[4:20]) {
				t.Errorf("the text of the sequences still spells the secret: %q", out)
			}
			if again, _ := r.Redact(out); again != out {
				t.Errorf("redacting twice changed %q to %q", out, again)
			}
		})
	}
}

// TestRedactPunctuationAndLookalikeForms (review 3): a secret spelled out with any ASCII
// punctuation, \ and % included, or with non-ASCII punctuation and symbols between its
// characters, and a secret written in letters and digits that NFKC folds to ASCII (fullwidth,
// mathematical bold, circled, superscript digits).
func TestRedactPunctuationAndLookalikeForms(t *testing.T) {
	sec := fakeSecret(t, 24)
	r := New([]Secret{{"SEC", sec}})
	var forms []struct{ name, text string }
	for _, sep := range []string{"#", "@", "$", "&", "%", `\`, " # ", "•", "·", "—", "–", "→", "…", "、", "¦", "･", " 🔑 ", "★", "€", "§"} {
		forms = append(forms, struct{ name, text string }{"sep " + sep, spell(sec, sep)})
	}
	mapped := func(f func(rune) rune) string {
		var b strings.Builder
		for _, c := range sec {
			b.WriteRune(f(c))
		}
		return b.String()
	}
	forms = append(forms,
		struct{ name, text string }{"fullwidth", mapped(func(c rune) rune { return c + 0xfee0 })},
		struct{ name, text string }{"math-bold", mapped(func(c rune) rune {
			switch {
			case c >= 'A' && c <= 'Z':
				return 0x1d400 + c - 'A'
			case c >= 'a' && c <= 'z':
				return 0x1d41a + c - 'a'
			default:
				return 0x1d7ce + c - '0'
			}
		})},
		struct{ name, text string }{"circled", mapped(func(c rune) rune {
			switch {
			case c >= 'A' && c <= 'Z':
				return 0x24b6 + c - 'A'
			case c >= 'a' && c <= 'z':
				return 0x24d0 + c - 'a'
			case c == '0':
				return 0x24ea
			default:
				return 0x2460 + c - '1'
			}
		})},
		struct{ name, text string }{"superscript-digits", mapped(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")[c-'0']
			}
			return c
		})},
		struct{ name, text string }{"fullwidth-spelled", spell(mapped(func(c rune) rune { return c + 0xfee0 }), "・")},
	)
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			in := "key: " + f.text + "\n"
			out, n := r.Redact(in)
			assertRedacted(t, in, out, n, "SEC", f.text)
			if again, _ := r.Redact(out); again != out {
				t.Errorf("redacting twice changed %q to %q", out, again)
			}
		})
	}
}

// TestRedactEscapedSeparatorsAndFolds (review 4): separators and look-alike letters written as
// escapes (a UTF-8 character as several %XX or \xXX), escaped or decoded \ and % between the
// characters, symbols whose decomposition holds letters (™), and accented letters.
func TestRedactEscapedSeparatorsAndFolds(t *testing.T) {
	sec := fakeSecret(t, 20)
	r := New([]Secret{{"SEC", sec}})
	pctAll := func(s string) string { // every byte as %XX, as quote(s, safe='') would not: all of them
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	}
	bytesRepr := func(s string) string { // Python's repr of s.encode(): non-ASCII bytes as \xNN
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
			} else {
				b.WriteByte(s[i])
			}
		}
		return "b'" + b.String() + "'"
	}
	fullwidth := func(s string) string {
		var b strings.Builder
		for _, c := range s {
			b.WriteRune(c + 0xfee0)
		}
		return b.String()
	}
	accented := func(s string) string {
		var b strings.Builder
		for _, c := range s {
			b.WriteRune(c)
			b.WriteRune(0x301)
		}
		return norm.NFC.String(b.String())
	}
	forms := []struct{ name, text string }{
		{"bytes repr of a middle-dot join", bytesRepr(spell(sec, "·"))},
		{"quoted no-break-space join", strings.ReplaceAll(spell(sec, "\u00a0"), "\u00a0", "%C2%A0")},
		{"quoted percent join", spell(sec, "%25")},
		{"quoted backslash join", spell(sec, "%5C")},
		{"unicode-escaped backslash join", spell(sec, `\u005c`)},
		{"hex-escaped backslash join", spell(sec, `\x5c`)},
		{"stray percent signs", spell(sec, "%%")},
		{"fullwidth as bytes repr", bytesRepr(fullwidth(sec))},
		{"fullwidth percent-encoded", pctAll(fullwidth(sec))},
		{"trade-mark join", spell(sec, "™")},
		{"numero join", spell(sec, "№")},
		{"precomposed accents", accented(sec)},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			in := "x " + f.text + " y\n"
			out, n := r.Redact(in)
			assertRedacted(t, in, out, n, "SEC", f.text)
		})
	}
}
