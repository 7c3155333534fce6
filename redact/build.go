package redact

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// entry is one value to find and the name it is reported as.
type entry struct{ name, value string }

// New builds a Redactor for secrets and the generic rules. Values shorter than MinSecretLen
// are ignored; a value with surrounding white space is also registered trimmed. A nil or empty
// list gives a Redactor with the generic rules only.
func New(secrets []Secret) *Redactor {
	b := &builder{
		r:       &Redactor{names: make(map[string]bool)},
		labelOf: make(map[string]int32),
		seen:    make(map[needleKey]bool),
	}
	for prio, e := range entries(secrets) {
		lb := b.label(markerName(e.name))
		ci := utf8.RuneCountInString(e.value) >= ciMinLen
		var sources []form
		if len(e.value) <= maxSpacedLen {
			sources = spacedSources(e.value, ci)
		}
		b.addForms(lb, int32(prio), rawForms(e.value, ci), sources)
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
			b.addForms(lb, int32(prio), fs.list, sources)
		}
	}
	return b.finish()
}

// builder collects the needles and labels of a Redactor.
type builder struct {
	r       *Redactor
	labelOf map[string]int32
	seen    map[needleKey]bool
	raw     []needle
	spaced  [3][]needle // by streamKind
}

// label returns the label index of the marker for name, adding it on first use.
func (b *builder) label(name string) int32 {
	if l, ok := b.labelOf[name]; ok {
		return l
	}
	l := int32(len(b.r.labels))
	b.labelOf[name] = l
	b.r.labels = append(b.r.labels, markerPrefix+name+"]")
	b.r.names[name] = true
	return l
}

// add appends nd to list unless the same needle is already there (from a longer secret).
func (b *builder) add(list *[]needle, where int, nd needle) {
	k := needleKey{where, nd.text, nd.ci, nd.head}
	if len(nd.text) < anchorLen || b.seen[k] {
		return
	}
	b.seen[k] = true
	nd.id = int32(b.r.needles)
	b.r.needles++
	*list = append(*list, nd)
}

// addForms adds the literal forms raws, and sources normalized for each view.
func (b *builder) addForms(lb, prio int32, raws, sources []form) {
	for _, f := range raws {
		b.add(&b.raw, -1, needle{text: foldIf(f.text, f.ci), ci: f.ci, label: lb, prio: prio})
	}
	for kind := range b.spaced {
		k := streamKind(kind)
		for _, f := range sources {
			for _, v := range spelledViews(k, f.text) {
				if len(v.text) < MinSecretLen {
					continue
				}
				// Every byte of the form, separators it contains included, may be escaped and
				// followed by a gap of up to maxGap bytes of separators; the whole stays
				// within maxSpelledSpan.
				nd := needle{text: foldIf(v.text, f.ci), ci: f.ci, label: lb, prio: prio,
					maxSpan: min((maxTokenLen+maxGap)*len(f.text), maxSpelledSpan),
					gap:     maxGap + v.gap*(maxTokenLen+maxGap)}
				b.add(&b.spaced[kind], kind, nd)
				if k == streamSep && isFinalByte(nd.text[0]) {
					// The first character may be the final byte of a preceding control
					// sequence that swallowed it: also look for the rest, with that byte
					// just before.
					nd.head, nd.text = nd.text[0], nd.text[1:]
					b.add(&b.spaced[kind], kind, nd)
				}
			}
		}
	}
}

// finish builds the matchers, adds the rules and computes MaxEncodedLen.
func (b *builder) finish() *Redactor {
	r := b.r
	r.raw = newMatcher(b.raw)
	for _, nd := range b.raw {
		r.maxLen = max(r.maxLen, len(nd.text))
	}
	for kind, list := range b.spaced {
		r.streams[kind] = newMatcher(list)
		for _, nd := range list {
			r.maxLen = max(r.maxLen, nd.maxSpan)
		}
	}
	r.rules = newRuleSet(defaultRules())
	for _, rl := range r.rules.rules {
		r.ruleLabels = append(r.ruleLabels, b.label(rl.name))
		r.maxLen = max(r.maxLen, rl.maxLen)
	}
	return r
}

// spelledView is what a view keeps of a form, and the most bytes it drops between two bytes it
// keeps (the separators the value itself contains).
type spelledView struct {
	text string
	gap  int
}

// spelledViews returns the kind view of t, and also the view of t's characters one by one when
// that differs: a value that holds an escape or a control sequence ("\x1b1", "\u0041") loses
// it as a whole but keeps its characters when separators are put between them.
func spelledViews(kind streamKind, t string) []spelledView {
	var nt normText
	normalize(kind, t, nil, &nt)
	whole := spelledView{text: string(nt.b)}
	for k := 1; k < nt.n; k++ {
		whole.gap = max(whole.gap, int(nt.pos[k])-int(nt.pos[k-1])-int(nt.tl[k-1]))
	}
	var each []byte
	gap, dropped := 0, 0
	for i := 0; i < len(t); {
		_, n := utf8.DecodeRuneInString(t[i:])
		v := t[i : i+n]
		if n > 1 || byteClass[t[i]] != clsPlain {
			v = normalizeString(kind, v)
		}
		if v == "" {
			dropped += n
		} else {
			if len(each) > 0 {
				gap = max(gap, dropped)
			}
			each, dropped = append(each, v...), 0
		}
		i += n
	}
	if string(each) == whole.text {
		return []spelledView{whole}
	}
	return []spelledView{whole, {string(each), gap}}
}

// isFinalByte reports whether c can end an escape sequence (and so be swallowed by one).
func isFinalByte(c byte) bool { return c >= 0x30 && c <= 0x7e }

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
