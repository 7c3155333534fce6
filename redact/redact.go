// Package redact removes secrets from text before it leaves pycage.
//
// It works in two layers. The first knows the host's secret values and finds each of them in
// the clear and in the transformations code commonly applies to a string: base64 (standard
// and URL alphabets, any of the three byte alignments inside a longer blob, padded or not),
// hex, percent-encoding, JSON and Python escaping, reversal, ASCII case changes (values of 16
// characters or more), and the value spelled out with separators (white space, punctuation,
// zero-width characters, ANSI colour codes) between its characters. The second layer knows
// well-known credential formats (provider API keys, JWTs, PEM private keys) by pattern.
// Matches become "[REDACTED:NAME]" or "[REDACTED:rule]".
//
// Trust: the secret values handed to New are trusted and are the only thing compared against;
// the text passed to Redact is hostile (it is what untrusted code printed). The package never
// logs or returns a secret value, and knows nothing of Docker or MCP.
//
// Not caught, by design: anything the value went through that is not listed above, for
// example encryption, compression, hashing, arithmetic on the characters, double encodings,
// non-ASCII case changes, or a secret cut into pieces printed far apart. Values longer than
// 256 bytes are found only in their literal forms and line by line, not spelled out.
package redact

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

const (
	// ciMinLen is the length, in characters, from which a value matches in any ASCII case.
	ciMinLen = 16
	// maxSpacedLen bounds the values (in bytes) also searched for spelled out or escaped.
	maxSpacedLen = 256
	// maxGap bounds the average bytes of separators between two characters of a spelled-out
	// value; with maxTokenLen it bounds how far a spelled-out match reaches.
	maxGap = 32
	// maxTokenLen is the longest escape one byte of a value can be written as (\u0041).
	maxTokenLen = 6
	// maxPasses bounds the passes Redact makes until nothing more matches.
	maxPasses = 8
	// rulePrio ranks rule matches after host-secret matches of the same length.
	rulePrio = 1 << 30
	// maxNameLen bounds a secret name in a marker.
	maxNameLen   = 100
	markerPrefix = "[REDACTED:"
)

// Redactor finds and replaces secrets. It is built once by New and is safe for concurrent use.
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

// entry is one value to find and the name it is reported as.
type entry struct{ name, value string }

// New builds a Redactor for secrets and the generic rules. Values shorter than MinSecretLen
// are ignored; a value with surrounding white space is also registered trimmed. A nil or empty
// list gives a Redactor with the generic rules only.
func New(secrets []Secret) *Redactor {
	r := &Redactor{names: make(map[string]bool)}
	labelOf := make(map[string]int32)
	label := func(name string) int32 {
		if l, ok := labelOf[name]; ok {
			return l
		}
		l := int32(len(r.labels))
		labelOf[name] = l
		r.labels = append(r.labels, markerPrefix+name+"]")
		r.names[name] = true
		return l
	}
	var raw []needle
	var spaced [3][]needle
	seen := make(map[needleKey]bool)
	add := func(list *[]needle, where int, nd needle) {
		k := needleKey{where, nd.text, nd.ci, nd.head}
		if len(nd.text) < anchorLen || seen[k] {
			return
		}
		seen[k] = true
		nd.id = int32(r.needles)
		r.needles++
		*list = append(*list, nd)
	}
	for prio, e := range entries(secrets) {
		lb := label(markerName(e.name))
		addForms := func(raws, sources []form) {
			for _, f := range raws {
				add(&raw, -1, needle{text: foldIf(f.text, f.ci), ci: f.ci, label: lb, prio: int32(prio)})
			}
			for kind := range spaced {
				for _, f := range sources {
					nv := normalizeString(streamKind(kind), f.text)
					if len(nv) < MinSecretLen {
						continue
					}
					nd := needle{text: foldIf(nv, f.ci), ci: f.ci, label: lb, prio: int32(prio),
						maxSpan: maxTokenLen*len(nv) + maxGap*(len(nv)-1)}
					add(&spaced[kind], kind, nd)
					if streamKind(kind) == streamSep && isLetter(nd.text[0]) {
						// The first character may be the final byte of a preceding control
						// sequence: also look for the rest, with the first byte just before.
						nd.head, nd.text = nd.text[0], nd.text[1:]
						add(&spaced[kind], kind, nd)
					}
				}
			}
		}
		ci := utf8.RuneCountInString(e.value) >= ciMinLen
		var sources []form
		if len(e.value) <= maxSpacedLen {
			sources = spacedSources(e.value, ci)
		}
		addForms(rawForms(e.value, ci), sources)
		for _, line := range innerLines(e.value) {
			var fs formSet
			lci := utf8.RuneCountInString(line) >= ciMinLen
			fs.add(line, lci)
			for _, rv := range reversals(line) {
				fs.add(rv, lci)
			}
			sources = nil
			if len(line) <= maxSpacedLen {
				sources = fs.list
			}
			addForms(fs.list, sources)
		}
	}
	r.raw = newMatcher(raw)
	for kind := range spaced {
		r.streams[kind] = newMatcher(spaced[kind])
	}
	for _, nd := range raw {
		r.maxLen = max(r.maxLen, len(nd.text))
	}
	for _, list := range spaced {
		for _, nd := range list {
			r.maxLen = max(r.maxLen, nd.maxSpan)
		}
	}
	r.rules = newRuleSet(defaultRules())
	for _, rl := range r.rules.rules {
		r.ruleLabels = append(r.ruleLabels, label(rl.name))
		r.maxLen = max(r.maxLen, rl.maxLen)
	}
	return r
}

// needleKey identifies a needle within one matcher (where: -1 raw, else the stream kind).
type needleKey struct {
	where int
	text  string
	ci    bool
	head  byte
}

func foldIf(s string, ci bool) string {
	if ci {
		return fold(s)
	}
	return s
}

// entries returns the distinct values to register, longest first, so that a longer secret
// wins over one it contains.
func entries(secrets []Secret) []entry {
	seen := make(map[entry]bool)
	var out []entry
	for _, s := range secrets {
		for _, v := range []string{s.Value, strings.TrimSpace(s.Value)} {
			e := entry{s.Name, v}
			if len(v) < MinSecretLen || seen[e] {
				continue
			}
			seen[e] = true
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b entry) int {
		if len(a.value) != len(b.value) {
			return len(b.value) - len(a.value)
		}
		return strings.Compare(a.name, b.name)
	})
	return out
}

// innerLines returns the lines of a multi-line value worth finding on their own: at least
// MinSecretLen bytes, and not PEM armour ("-----BEGIN ...-----"), which is public.
func innerLines(v string) []string {
	if !strings.Contains(v, "\n") {
		return nil
	}
	var out []string
	for line := range strings.SplitSeq(v, "\n") {
		line = strings.TrimSpace(line)
		if len(line) >= MinSecretLen && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	return out
}

// markerName makes name safe inside a marker: letters, digits, '_', '.', '-'.
func markerName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !tokenByte(c) && c != '.' {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "SECRET"
	}
	return string(b[:min(len(b), maxNameLen)])
}

// MaxEncodedLen returns the longest byte length any registered pattern can match: the longest
// literal form of a secret, the reach of a spelled-out secret, or a rule's bound (a PEM block,
// 16 KiB). A caller that cuts text keeps this much around the cut to redact it whole.
func (r *Redactor) MaxEncodedLen() int {
	return r.orDefault().maxLen
}

var defaultRedactor = sync.OnceValue(func() *Redactor { return New(nil) })

// orDefault lets a nil *Redactor work as one without host secrets.
func (r *Redactor) orDefault() *Redactor {
	if r == nil {
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
	for range maxPasses {
		out, n := r.redactOnce(s, sc)
		if n == 0 {
			break
		}
		total += n
		s = out
	}
	return s, total
}

// redactOnce finds every match in s and replaces them.
func (r *Redactor) redactOnce(s string, sc *scratch) (string, int) {
	sc.reset()
	sc.prot = r.findMarkers(s, sc.prot)
	scan(r.raw, s, func(a, b int, nd *needle) { sc.add(a, b, nd.label, nd.prio, nd.id) })
	for kind, m := range r.streams {
		if m != nil && streamNeeded(streamKind(kind), s) {
			r.scanStream(streamKind(kind), m, s, sc)
		}
	}
	r.rules.find(s, func(i, a, b int) { sc.add(a, b, r.ruleLabels[i], int32(rulePrio+i), -1) })
	if len(sc.matches) == 0 {
		return s, 0
	}
	return sc.replace(s, r.labels)
}

// streamNeeded reports whether the kind view of s can differ from the streamSep view.
func streamNeeded(kind streamKind, s string) bool {
	switch kind {
	case streamBare:
		return strings.IndexByte(s, 0x1b) >= 0
	case streamEsc:
		return strings.IndexByte(s, '\\') >= 0 || strings.IndexByte(s, '%') >= 0
	}
	return true
}

// scanStream searches the kind view of s and maps the matches back to s.
func (r *Redactor) scanStream(kind streamKind, m *matcher, s string, sc *scratch) {
	if len(s) > 1<<31-1 {
		return // positions are int32; pycage never redacts 2 GiB at once
	}
	nt := &sc.nt
	normalize(kind, s, sc.prot, nt)
	scan(m, nt.b, func(ns, ne int, nd *needle) {
		a := int(nt.pos[ns])
		b := int(nt.pos[ne-1]) + int(nt.tl[ne-1])
		if nd.head != 0 {
			// The head byte must have been dropped, as a control sequence's final letter,
			// between the previous kept byte and the match.
			lo := 0
			if ns > 0 {
				lo = int(nt.pos[ns-1]) + int(nt.tl[ns-1])
			}
			q := a - 1
			for ; q >= max(lo, a-maxGap); q-- {
				c := s[q]
				if nd.ci {
					c = foldTable[c]
				}
				if c == nd.head {
					break
				}
			}
			if q < max(lo, a-maxGap) {
				return
			}
			a = q
		}
		if b-a <= nd.maxSpan {
			sc.add(a, b, nd.label, nd.prio, nd.id)
		}
	})
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
