package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// form is one literal transformation of a secret value to search for.
type form struct {
	text string
	ci   bool // compare ASCII case-insensitively
}

// formSet collects forms, dropping duplicates and texts shorter than MinSecretLen.
type formSet struct {
	list []form
	seen map[form]bool
}

func (fs *formSet) add(text string, ci bool) {
	if len(text) < MinSecretLen {
		return
	}
	key := form{text, ci}
	if ci {
		key.text = fold(text)
	}
	if fs.seen == nil {
		fs.seen = make(map[form]bool)
	}
	if !fs.seen[key] {
		fs.seen[key] = true
		fs.list = append(fs.list, form{text, ci})
	}
}

// rawForms returns the literal forms of v searched for in the text as it is: the value,
// reversed, base64 (both alphabets, all three alignments, padded or not), hex, percent-encoded,
// JSON- and Python-escaped. ci applies to the forms that keep the value's letters.
func rawForms(v string, ci bool) []form {
	var fs formSet
	fs.add(v, ci)
	for _, r := range reversals(v) {
		fs.add(r, ci)
	}
	for _, b := range base64Forms(v) {
		fs.add(b, false)
	}
	fs.add(hex.EncodeToString([]byte(v)), true)
	for _, p := range []string{url.QueryEscape(v), url.PathEscape(v)} {
		fs.add(p, ci)
		fs.add(lowerPercent(p), ci)
	}
	fs.add(escapeBytes(v, "%%%02x"), true)
	fs.add(escapeBytes(v, `\x%02x`), true)
	fs.add(unicodeEscapes(v), true)
	for _, j := range jsonForms(v) {
		fs.add(j, ci)
	}
	for _, p := range pythonForms(v) {
		fs.add(p, ci)
	}
	for _, u := range unicodeForms(v) {
		fs.add(u, ci)
	}
	return fs.list
}

// unicodeForms returns, for a value with non-ASCII characters, the forms that show the same
// text differently: its four Unicode normalizations (unicodedata.normalize("NFD", S) looks like
// S on screen) and its non-ASCII characters as XML character references, decimal (what
// encode("ascii", "xmlcharrefreplace") writes) and hexadecimal.
func unicodeForms(v string) []string {
	ascii := true
	for i := 0; i < len(v); i++ {
		ascii = ascii && v[i] < 0x80
	}
	if ascii || !utf8.ValidString(v) {
		return nil
	}
	out := []string{norm.NFC.String(v), norm.NFD.String(v), norm.NFKC.String(v), norm.NFKD.String(v)}
	var dec, hx strings.Builder
	for _, r := range v {
		if r < 0x80 {
			dec.WriteRune(r)
			hx.WriteRune(r)
			continue
		}
		fmt.Fprintf(&dec, "&#%d;", r)
		fmt.Fprintf(&hx, "&#x%x;", r)
	}
	return append(out, dec.String(), hx.String())
}

// spacedSources returns the forms of v that are also searched for spelled out with
// separators or partly escaped, before normalization: the value, reversed, hex and base64.
func spacedSources(v string, ci bool) []form {
	var fs formSet
	fs.add(v, ci)
	for _, r := range reversals(v) {
		fs.add(r, ci)
	}
	fs.add(hex.EncodeToString([]byte(v)), true)
	for _, b := range base64Forms(v) {
		fs.add(b, false)
	}
	return fs.list
}

// reversals returns v reversed by bytes and, when v is valid UTF-8, by characters.
func reversals(v string) []string {
	b := []byte(v)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	out := []string{string(b)}
	if utf8.ValidString(v) {
		r := []rune(v)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		out = append(out, string(r))
	}
	return out
}

// base64Forms returns, for the standard and URL alphabets, the full encoding of v (padded and
// unpadded) and, for each of the three byte alignments v can have inside a longer encoded
// blob, the characters of the encoding that depend on v's bytes alone.
func base64Forms(v string) []string {
	var out []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		raw := enc.WithPadding(base64.NoPadding)
		out = append(out, enc.EncodeToString([]byte(v)), raw.EncodeToString([]byte(v)))
		for k := range 3 {
			out = append(out, stableBase64(raw, v, k))
		}
	}
	return out
}

// stableBase64 returns the characters of the (unpadded) encoding of v preceded by k bytes
// that are determined by v alone: character i covers bits [6i, 6i+6), v covers
// [8k, 8k+8len(v)).
func stableBase64(raw *base64.Encoding, v string, k int) string {
	buf := make([]byte, k+len(v))
	copy(buf[k:], v)
	e := raw.EncodeToString(buf)
	lo, hi := (8*k+5)/6, 8*(k+len(v))/6
	return e[lo:hi]
}

// lowerPercent returns p with the hex digits of its %XX escapes in lower case.
func lowerPercent(p string) string {
	b := []byte(p)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = foldTable[b[i+1]], foldTable[b[i+2]]
			i += 2
		}
	}
	return string(b)
}

// escapeBytes formats every byte of v with format ("%%%02x" or `\x%02x`).
func escapeBytes(v, format string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		fmt.Fprintf(&b, format, v[i])
	}
	return b.String()
}

// unicodeEscapes writes every character of v as \uXXXX (UTF-16, as JSON and JavaScript do).
func unicodeEscapes(v string) string {
	var b strings.Builder
	for _, r := range v {
		writeU(&b, r)
	}
	return b.String()
}

func writeU(b *strings.Builder, r rune) {
	if r > 0xffff {
		r1, r2 := utf16.EncodeRune(r)
		fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
		return
	}
	fmt.Fprintf(b, `\u%04x`, r)
}

// jsonForms returns v as the inside of a JSON string: as Go writes it (with and without HTML
// escaping) and as Python's json.dumps writes it (ASCII only), each also with "/" escaped.
func jsonForms(v string) []string {
	var out []string
	if j, err := json.Marshal(v); err == nil {
		out = append(out, unquote(string(j)))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		out = append(out, unquote(strings.TrimSuffix(buf.String(), "\n")))
	}
	out = append(out, jsonASCII(v))
	for _, j := range out[:len(out):len(out)] {
		out = append(out, strings.ReplaceAll(j, "/", `\/`))
	}
	return out
}

func unquote(q string) string {
	if len(q) >= 2 {
		return q[1 : len(q)-1]
	}
	return q
}

// jsonASCII escapes v as Python's json.dumps does by default (ensure_ascii=True).
func jsonASCII(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 || r >= 0x80 {
				writeU(&b, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// pythonForms returns v as the inside of Python's repr of the str and of its UTF-8 bytes, of
// its ascii(), and as backslashreplace writes it.
func pythonForms(v string) []string {
	quote := byte('\'')
	if strings.IndexByte(v, '\'') >= 0 && strings.IndexByte(v, '"') < 0 {
		quote = '"'
	}
	var s, b strings.Builder
	for _, r := range v {
		switch {
		case r == '\\':
			s.WriteString(`\\`)
		case r == rune(quote):
			s.WriteByte('\\')
			s.WriteByte(quote)
		case r == '\n':
			s.WriteString(`\n`)
		case r == '\r':
			s.WriteString(`\r`)
		case r == '\t':
			s.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0xff && !unicode.IsPrint(r)):
			fmt.Fprintf(&s, `\x%02x`, r)
		case r > 0xff && !unicode.IsPrint(r):
			if r > 0xffff {
				fmt.Fprintf(&s, `\U%08x`, r)
			} else {
				fmt.Fprintf(&s, `\u%04x`, r)
			}
		default:
			s.WriteRune(r)
		}
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == quote:
			b.WriteByte('\\')
			b.WriteByte(quote)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return []string{s.String(), b.String(), asciiEscaped(s.String(), false), asciiEscaped(v, true)}
}

// asciiEscaped writes every non-ASCII character of v as Python escapes it where only ASCII
// may be written: \xNN up to U+00FF, \uNNNN, \UNNNNNNNN. Applied to the inside of a repr it
// gives ascii() (and %a); applied to the value itself, what encode("ascii", "backslashreplace")
// and encode("unicode_escape") write. del also escapes U+007F, as ascii() does.
func asciiEscaped(v string, keepDel bool) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r < 0x7f || r == 0x7f && keepDel:
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String()
}
