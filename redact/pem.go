package redact

import "strings"

// The formats that are more than a keyword and a body: PEM private key blocks, JWTs and other
// dotted tokens.

const (
	tokenMaxLen = 256
	jwtMaxLen   = 8 << 10
	// pemMaxLen bounds a private key block; an RSA 8192-bit key in PEM is about 6.5 KB.
	pemMaxLen = 16 << 10
	// pemArmourMax bounds the label between "-----BEGIN" and "PRIVATE KEY".
	pemArmourMax = 100
	// pemMinLine is the shortest base64 line taken as key material unless it is the last one.
	pemMinLine = 16
	// pemHeaderMax bounds an RFC 1421 header line (Proc-Type, DEK-Info), pemMaxHeaders their
	// number.
	pemHeaderMax  = 200
	pemMaxHeaders = 4
)

var b64Table = &classTables[classB64]

// armourEnd returns the end of a private key armour line at s[p:]: word ("-----BEGIN" or
// "-----END"), up to pemArmourMax bytes of [ A-Z0-9_-], "PRIVATE KEY", optionally " BLOCK",
// and "-----"; or -1.
func armourEnd(s string, p int, word string) int {
	const label = "PRIVATE KEY"
	if !strings.HasPrefix(s[p:], word) {
		return -1
	}
	q := p + len(word)
	k := strings.Index(s[q:min(len(s), q+pemArmourMax+len(label))], label)
	if k < 0 {
		return -1
	}
	for _, c := range []byte(s[q : q+k]) {
		if c != ' ' && c != '_' && c != '-' && !isDigit(c) && (c < 'A' || c > 'Z') {
			return -1
		}
	}
	e := q + k + len(label)
	if strings.HasPrefix(s[e:], " BLOCK") {
		e += len(" BLOCK")
	}
	if !strings.HasPrefix(s[e:], "-----") {
		return -1
	}
	return e + 5
}

// privateKeyAt matches a PEM private key block at s[p:] ("-----BEGIN"): the BEGIN line, then
// lines that look like key material, up to and with the END line. A line is base64; RFC 1421
// headers (Proc-Type, DEK-Info) may come first. Lines are broken by line feeds, carriage
// returns, spaces, tabs or escaped line breaks (\n in a JSON or Python string). A line shorter
// than pemMinLine is only taken as the last one, before END or at the end of the text. The
// block ends before the first line that is none of these, so output after a BEGIN line without
// a key survives, and a cut block (no END) is still redacted. There must be pemMinLine bytes of
// base64 at least.
//
// Every scan that finds no block stops at the next "-----" (the next BEGIN line), so BEGIN
// lines repeated without keys cost linear time.
func privateKeyAt(s string, p int, c *ruleCache) (int, bool) {
	h := armourEnd(s, p, "-----BEGIN")
	if h < 0 {
		return 0, false
	}
	limit := min(len(s), p+pemMaxLen)
	e, body, headers := h, 0, 0
	for i := h; ; {
		j := skipLineBreaks(s, i, limit)
		if j >= limit {
			break
		}
		if strings.HasPrefix(s[j:], "-----") {
			if f := armourEnd(s, j, "-----END"); f >= 0 && f <= limit && body >= pemMinLine {
				return f, true
			}
			break
		}
		if body == 0 && headers < pemMaxHeaders &&
			(strings.HasPrefix(s[j:], "Proc-Type:") || strings.HasPrefix(s[j:], "DEK-Info:")) {
			k := j
			for k < limit && k-j < pemHeaderMax && s[k] != '\n' && s[k] != '\\' &&
				!strings.HasPrefix(s[k:], "-----") {
				k++
			}
			i, e = k, k
			headers++
			continue
		}
		k := j
		for k < limit && b64Table[s[k]] {
			k++
		}
		if k == j {
			break // not a line of key material
		}
		// What ends the line: a line break, the END line, or the end of the text.
		if k < limit && !isLineBreak(s, k, limit) && !strings.HasPrefix(s[k:], "-----") {
			break
		}
		if k-j < pemMinLine {
			n := skipLineBreaks(s, k, limit)
			last := strings.HasPrefix(s[n:], "-----END") || (n == len(s) && c.atEnd)
			if !last {
				break
			}
		}
		body += k - j
		i, e = k, k
	}
	if body < pemMinLine {
		return 0, false
	}
	return e, true
}

// isLineBreak reports whether a line break starts at s[i].
func isLineBreak(s string, i, limit int) bool {
	return skipLineBreaks(s, i, limit) > i
}

// skipLineBreaks returns the index after the line breaks, spaces and tabs at s[i:], escaped
// ones (\n, \r, \\n) included.
func skipLineBreaks(s string, i, limit int) int {
	for i < limit {
		switch s[i] {
		case '\n', '\r', ' ', '\t':
			i++
		case '\\':
			j := i + 1
			for j < limit && j-i < 4 && s[j] == '\\' {
				j++
			}
			if j < limit && (s[j] == 'n' || s[j] == 'r') {
				i = j + 1
				continue
			}
			return i
		default:
			return i
		}
	}
	return i
}

// Run slots of the dotted formats' later segments (see ruleCache.runs).
const (
	slotJWT2 = iota + int(numClasses)
	slotJWT3
	slotSendGrid2
	numSlots
)

// jwtAt matches a JSON Web Token at s[p:] ("eyJ"): three base64url segments joined by '.',
// the first two starting with "eyJ" (a JSON object) and at least 11 bytes long.
func jwtAt(s string, p int, c *ruleCache) (int, bool) {
	e1 := c.runEnd(s, int(classB64URL), classB64URL, p)
	if e1-p < 11 || e1 >= len(s) || s[e1] != '.' || !strings.HasPrefix(s[e1+1:], "eyJ") {
		return 0, false
	}
	e2 := c.runEnd(s, slotJWT2, classB64URL, e1+1)
	if e2-e1-1 < 11 || e2 >= len(s) || s[e2] != '.' || e2-p >= jwtMaxLen {
		return 0, false
	}
	e3 := c.runEnd(s, slotJWT3, classB64URL, e2+1)
	return min(e3, p+jwtMaxLen), true
}

// sendgridAt matches a SendGrid API key at s[p:] ("SG."): 22 and 43 base64url bytes joined by
// '.'.
func sendgridAt(s string, p int, c *ruleCache) (int, bool) {
	q := p + len("SG.")
	e1 := c.runEnd(s, int(classB64URL), classB64URL, q)
	if e1-q != 22 || e1 >= len(s) || s[e1] != '.' {
		return 0, false
	}
	e2 := c.runEnd(s, slotSendGrid2, classB64URL, e1+1)
	if e2-e1-1 != 43 {
		return 0, false
	}
	return e2, true
}
