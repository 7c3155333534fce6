// Package redact removes secrets from text before it leaves pycage.
//
// It works in two layers. The first knows the host's secret values and finds each of them in
// the clear and in the transformations code commonly applies to a string: base64 (standard
// and URL alphabets, any of the three byte alignments inside a longer blob, padded or not),
// hex, percent-encoding, JSON and Python escaping, reversal, ASCII case changes (values of 16
// characters or more), and the value spelled out with separators between its characters:
// ASCII white space, control characters and punctuation; invisible, blank and combining
// Unicode characters, punctuation and symbols (the categories Cf, Mn, Me, Zs, Zl, Zp, Cc, P
// and S, the Hangul fillers, the braille blank and U+FFFD, which invalid bytes become); and
// terminal control sequences parsed as ECMA-48 defines them (CSI, OSC and other strings,
// charset designators, 7- and 8-bit). Letters and digits whose compatibility decomposition is
// ASCII (fullwidth, mathematical, circled) read as that ASCII.
// The second layer knows well-known credential formats (provider API keys, JWTs, PEM private
// keys; see providers.go) by their keywords, also when a key is glued to an identifier.
// Matches become "[REDACTED:NAME]" or "[REDACTED:rule]".
//
// Trust: the secret values handed to New are trusted and are the only thing compared against;
// the text passed to Redact is hostile (it is what untrusted code printed). The package never
// logs or returns a secret value, and knows nothing of Docker or MCP.
//
// Both layers search literal strings with one multi-pattern scan per view of the text (the text
// as is, and normalized copies with separators dropped or escapes decoded), and the rules check
// the text only where a keyword occurs, with scans that look at each byte a bounded number of
// times, so the cost is linear in the text, whatever it holds (BenchmarkAdversarial).
//
// Not caught, by design: anything the value went through that is not listed above, for example
// encryption, compression, hashing, arithmetic on the characters, double encodings, non-ASCII
// case changes, separators that are letters or digits, or a secret cut into pieces printed far
// apart or in separate calls (a caller that cuts text keeps MaxEncodedLen bytes around the
// cut). Limits of what is listed: values longer than 256 bytes are found in their literal forms
// and line by line but not spelled out; a spelled-out value must keep MinSecretLen bytes once
// separators are dropped and may have at most 256 bytes of separators between two of its
// characters (its hex and base64 forms may span at most 65.5 KiB); a control sequence is at
// most 256 bytes long; of a base64 encoding only the characters that depend on the value alone
// are replaced, so up to one character at each end (a few bits) remains; a value that itself
// contains marker text ("[REDACTED:NAME]" of a registered name) is not split where it overlaps
// such a marker; rules look at the text as printed, not at its escaped or spelled-out forms.
package redact

import (
	"strings"
	"sync"
)

const (
	// ciMinLen is the length, in characters, from which a value matches in any ASCII case.
	ciMinLen = 16
	// maxSpacedLen bounds the values (in bytes) also searched for spelled out or escaped.
	maxSpacedLen = 256
	// maxGap bounds the bytes of separators between two characters of a spelled-out value;
	// with maxTokenLen it bounds how far a spelled-out match reaches.
	maxGap = 256
	// maxSpelledSpan bounds the bytes a spelled-out match covers (65.5 KiB): every value that
	// is spelled out at all (maxSpacedLen) may have a full gap between each two characters;
	// its hex and base64 forms, which are longer, stay within the same span.
	maxSpelledSpan = (maxTokenLen + maxGap) * maxSpacedLen
	// maxTokenLen is the longest escape one byte of a value can be written as (\u0041).
	maxTokenLen = 6
	// maxPasses bounds the passes Redact makes until nothing more matches.
	maxPasses = 8
	// rulePrio ranks rule matches after host-secret matches of the same length.
	rulePrio = 1 << 30
	// maxNameLen bounds a secret name in a marker.
	maxNameLen = 100
	// markerPrefix starts every replacement, "[REDACTED:NAME]".
	markerPrefix = "[REDACTED:"
)

// Redactor finds and replaces secrets. It is built once by New and is safe for concurrent use;
// a nil or zero Redactor knows no host secrets and applies the generic rules only.
type Redactor struct {
	labels     []string        // markers by label index
	names      map[string]bool // the names that form a marker
	raw        *matcher        // literal forms, searched in the text as is
	streams    [3]*matcher     // spelled-out forms, searched in each normalized view
	rules      *ruleSet
	ruleLabels []int32
	needles    int // number of needle ids
	maxLen     int
}

// MaxEncodedLen returns the longest byte length any registered pattern can match: the longest
// literal form of a secret, the reach of a spelled-out secret, or a rule's bound (a PEM block,
// 16 KiB). A caller that cuts text keeps this much around the cut to redact it whole.
func (r *Redactor) MaxEncodedLen() int {
	return r.orDefault().maxLen
}

var defaultRedactor = sync.OnceValue(func() *Redactor { return New(nil) })

// orDefault lets a nil or zero Redactor work as one without host secrets.
func (r *Redactor) orDefault() *Redactor {
	if r == nil || r.rules == nil {
		return defaultRedactor()
	}
	return r
}

// Redact returns s with every secret replaced by its marker, and the number of spans replaced.
// It repeats until nothing more matches, so Redact of its own output changes nothing and
// counts 0. Markers of this Redactor already in s are left alone.
func (r *Redactor) Redact(s string) (string, int) {
	r = r.orDefault()
	sc := getScratch(r.needles)
	defer putScratch(sc)
	total := 0
	var windows []span // nil: all of s
	for range maxPasses {
		out, n := r.redactOnce(s, windows, sc)
		if n == 0 {
			break
		}
		total += n
		s = out
		sc.windows = r.windows(s, sc.changed, sc.windows[:0])
		windows = sc.windows
	}
	return s, total
}

// windowSlack is added to MaxEncodedLen around a change: the reach of a token (an escape, a
// control sequence) or a boundary check of a rule (maxGlue) past a match.
const windowSlack = maxSeqLen + 64

// windows returns the parts of s a further pass must search after the markers at changes
// were written: a match that was not there before depends on the context of a change, and so
// lies within MaxEncodedLen+windowSlack of it or on the rest of its line (an escape decoded
// differently can shift the tokens up to the line's end). Windows are widened to whole lines:
// a line feed ends every token of every view, so a window is split into the same tokens as
// all of s.
func (r *Redactor) windows(s string, changes, out []span) []span {
	reach := r.maxLen + windowSlack
	// Both line ends asked for grow with the changes, so each remembers its last answer and
	// every byte of s is looked at once, however many changes share a long line.
	near, far := lineEnds{s: s, end: -1}, lineEnds{s: s, end: -1}
	for _, c := range changes {
		n := len(out)
		if n > 0 && out[n-1].end == len(s) {
			break
		}
		end := far.at(min(len(s), near.at(c.end)+reach))
		from := max(0, c.start-reach)
		if n > 0 && from <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, end)
			continue
		}
		lo := 0 // a window ends at a line feed, so the search below finds one after it
		if n > 0 {
			lo = out[n-1].end
		}
		start := lo + strings.LastIndexByte(s[lo:from], '\n') + 1
		out = append(out, span{start, end})
	}
	return out
}

// lineEnds answers lineEnd for positions that do not decrease.
type lineEnds struct {
	s         string
	from, end int // s has no line feed in [from, end)
}

// at returns the index of the first line feed at or after p, or len(s).
func (l *lineEnds) at(p int) int {
	if p < l.from || p > l.end {
		l.from, l.end = p, lineEnd(l.s, p)
	}
	return l.end
}

// lineEnd returns the index of the first line feed at or after p, or len(s).
func lineEnd(s string, p int) int {
	if i := strings.IndexByte(s[p:], '\n'); i >= 0 {
		return p + i
	}
	return len(s)
}

// redactOnce finds every match in s, or in its windows if any, and replaces them.
func (r *Redactor) redactOnce(s string, windows []span, sc *scratch) (string, int) {
	sc.reset()
	if windows == nil {
		r.detect(s, 0, true, sc)
	}
	for _, w := range windows {
		r.detect(s[w.start:w.end], w.start, w.end == len(s), sc)
	}
	if len(sc.matches) == 0 {
		return s, 0
	}
	return sc.replace(s, r.labels)
}

// detect records the matches and markers of w, which starts at base in the whole text and ends
// where it does if atEnd.
func (r *Redactor) detect(w string, base int, atEnd bool, sc *scratch) {
	r.detectHost(w, base, sc)
	r.rules.find(w, atEnd, &sc.rules, func(i, a, b int) {
		sc.add(base+a, base+b, r.ruleLabels[i], int32(rulePrio+i), -1)
	})
	for _, p := range sc.local {
		sc.prot = append(sc.prot, span{base + p.start, base + p.end})
	}
}

// detectHost records the markers of w and the matches of host secrets in it.
func (r *Redactor) detectHost(w string, base int, sc *scratch) {
	sc.local = r.findMarkers(w, sc.local[:0])
	scan(r.raw, w, func(a, b int, nd *needle) { sc.add(base+a, base+b, nd.label, nd.prio, nd.id) })
	for kind, m := range r.streams {
		if m != nil && streamNeeded(streamKind(kind), w) {
			r.scanStream(streamKind(kind), m, w, base, sc)
		}
	}
	if m := r.streams[streamSep]; m != nil && streamNeeded(streamFinal, w) {
		r.scanStream(streamFinal, m, w, base, sc)
	}
}

// HoldsHostSecret reports whether s holds a host secret in any form Redact finds. The
// key-format rules are not applied: it is for texts joined from separate values, where a rule
// matches across what were separate strings ("ASIA" + "EUROPEAFRICAMENA" is no AWS key).
func (r *Redactor) HoldsHostSecret(s string) bool {
	r = r.orDefault()
	sc := getScratch(r.needles)
	defer putScratch(sc)
	sc.reset()
	r.detectHost(s, 0, sc)
	return len(sc.matches) > 0
}

// streamNeeded reports whether the kind view of s can differ from the streamSep view.
func streamNeeded(kind streamKind, s string) bool {
	switch kind {
	case streamBare, streamFinal:
		return strings.IndexByte(s, 0x1b) >= 0 || strings.IndexByte(s, 0xc2) >= 0 // ESC, C1
	case streamEsc:
		return strings.IndexByte(s, '\\') >= 0 || strings.IndexByte(s, '%') >= 0
	}
	return true
}

// scanStream searches the kind view of s and maps the matches back to s, which starts at
// base in the whole text.
func (r *Redactor) scanStream(kind streamKind, m *matcher, s string, base int, sc *scratch) {
	if len(s) > 1<<31-1 {
		return // positions are int32; pycage never redacts 2 GiB at once
	}
	nt := &sc.nt
	normalize(kind, s, sc.local, nt)
	scan(m, nt.b, func(ns, ne int, nd *needle) {
		a := int(nt.pos[ns])
		b := int(nt.pos[ne-1]) + int(nt.tl[ne-1])
		if b-a > nd.gap && !gapsWithin(nt, ns, ne, nd.gap) {
			return
		}
		if nd.head != 0 {
			// The head byte must have been dropped, as a control sequence's final byte,
			// between the previous kept byte and the match, at most a gap before it.
			lo := max(0, a-1-nd.gap)
			if ns > 0 {
				lo = max(lo, int(nt.pos[ns-1])+int(nt.tl[ns-1]))
			}
			q := a - 1
			for ; q >= lo; q-- {
				c := s[q]
				if nd.ci {
					c = foldTable[c]
				}
				if c == nd.head {
					break
				}
			}
			if q < lo {
				return
			}
			a = q
		}
		if b-a <= nd.maxSpan {
			sc.add(base+a, base+b, nd.label, nd.prio, nd.id)
		}
	})
}

// gapsWithin reports whether the view nt dropped at most gap bytes between any two
// consecutive bytes of nt.b[ns:ne].
func gapsWithin(nt *normText, ns, ne, gap int) bool {
	for k := ns; k < ne-1; k++ {
		if int(nt.pos[k+1])-int(nt.pos[k])-int(nt.tl[k]) > gap {
			return false
		}
	}
	return true
}

// findMarkers appends to prot the spans of s that are markers of this Redactor.
func (r *Redactor) findMarkers(s string, prot []span) []span {
	for i := 0; ; {
		j := strings.Index(s[i:], markerPrefix)
		if j < 0 {
			return prot
		}
		a := i + j
		k := a + len(markerPrefix)
		e := strings.IndexByte(s[k:min(len(s), k+maxNameLen+1)], ']')
		if e >= 0 && r.names[s[k:k+e]] {
			prot = append(prot, span{a, k + e + 1})
			i = k + e + 1
		} else {
			i = k
		}
	}
}
