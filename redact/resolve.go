package redact

import (
	"slices"
	"sort"
	"strings"
	"sync"
)

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// match is a span found for a label; lower prio wins among equally long matches.
type match struct {
	start, end  int
	label, prio int32
}

// scratch holds the per-call buffers of Redact, reused through a pool.
type scratch struct {
	prot    []span  // markers already in the text
	matches []match // everything found
	last    []int32 // by needle id: index in matches of its latest match, or -1
	touched []int32 // ids whose last is set
	nt      normText
	covered []uint64
	pieces  []match
	rules   ruleCache
	local   []span // markers of the window being searched, window coordinates
	changed []span // markers written by the last replace, output coordinates
	windows []span // where the next pass searches
}

// maxPooledLen bounds the buffers kept for reuse (bytes of text they were sized for).
const maxPooledLen = 4 << 20

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch(needles int) *scratch {
	sc := scratchPool.Get().(*scratch)
	for len(sc.last) < needles {
		sc.last = append(sc.last, -1)
	}
	return sc
}

func putScratch(sc *scratch) {
	sc.reset()
	if cap(sc.nt.b) > maxPooledLen || cap(sc.matches) > maxPooledLen/16 {
		return
	}
	scratchPool.Put(sc)
}

func (sc *scratch) reset() {
	for _, id := range sc.touched {
		sc.last[id] = -1
	}
	sc.touched = sc.touched[:0]
	sc.matches = sc.matches[:0]
	sc.prot = sc.prot[:0]
	sc.pieces = sc.pieces[:0]
	sc.changed = sc.changed[:0]
}

// add records a match. Overlapping or touching matches of the same needle (id >= 0) are
// merged, so a long run of a repeated value stays one match, not one per position.
func (sc *scratch) add(a, b int, label, prio, id int32) {
	if id >= 0 {
		if li := sc.last[id]; li >= 0 && a <= sc.matches[li].end {
			m := &sc.matches[li]
			m.start, m.end = min(m.start, a), max(m.end, b)
			return
		}
		sc.last[id] = int32(len(sc.matches))
		sc.touched = append(sc.touched, id)
	}
	sc.matches = append(sc.matches, match{a, b, label, prio})
}

// replace resolves the matches and returns s with each resolved span replaced by its marker,
// and the number of spans. The markers' spans in the result are left in sc.changed.
//
// Longest matches are placed first; a shorter match keeps only the parts no longer match
// covers, so overlapping secrets leave no clear text behind. A match may swallow a marker
// that is already in s but never cuts one: it is clipped at the marker's edge instead. Touching
// spans of the same label become one marker.
func (sc *scratch) replace(s string, labels []string) (string, int) {
	ms := sc.matches[:0]
	for _, m := range sc.matches {
		if len(sc.prot) > 0 {
			m.start, m.end = clip(sc.prot, m.start, m.end)
			if m.start >= m.end || protectedLen(sc.prot, m.start, m.end) == m.end-m.start {
				continue
			}
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return s, 0
	}
	slices.SortFunc(ms, func(x, y match) int {
		if lx, ly := x.end-x.start, y.end-y.start; lx != ly {
			return ly - lx
		}
		if x.prio != y.prio {
			return int(x.prio) - int(y.prio)
		}
		return x.start - y.start
	})

	words := (len(s) + 63) / 64
	if cap(sc.covered) < words {
		sc.covered = make([]uint64, words)
	}
	cov := sc.covered[:words]
	clear(cov)
	pieces := sc.pieces[:0]
	for _, m := range ms {
		for j := m.start; j < m.end; {
			if cov[j>>6]&(1<<(j&63)) != 0 {
				j++
				continue
			}
			p := j
			for j < m.end && cov[j>>6]&(1<<(j&63)) == 0 {
				cov[j>>6] |= 1 << (j & 63)
				j++
			}
			if len(sc.prot) == 0 || protectedLen(sc.prot, p, j) < j-p {
				pieces = append(pieces, match{start: p, end: j, label: m.label})
			}
		}
	}
	slices.SortFunc(pieces, func(x, y match) int { return x.start - y.start })
	merged := pieces[:0]
	for _, p := range pieces {
		if n := len(merged); n > 0 && merged[n-1].end == p.start && merged[n-1].label == p.label {
			merged[n-1].end = p.end
			continue
		}
		merged = append(merged, p)
	}
	sc.pieces = merged

	var b strings.Builder
	b.Grow(len(s))
	at := 0
	for _, p := range merged {
		b.WriteString(s[at:p.start])
		sc.changed = append(sc.changed, span{b.Len(), b.Len() + len(labels[p.label])})
		b.WriteString(labels[p.label])
		at = p.end
	}
	b.WriteString(s[at:])
	return b.String(), len(merged)
}

// clip shrinks [a, b) so that it does not cut a protected span: one that straddles a is left
// out, as is one that straddles b.
func clip(prot []span, a, b int) (int, int) {
	if i := sort.Search(len(prot), func(i int) bool { return prot[i].end > a }); i < len(prot) && prot[i].start < a {
		a = prot[i].end
	}
	if i := sort.Search(len(prot), func(i int) bool { return prot[i].end > b }); i < len(prot) && prot[i].start < b {
		b = prot[i].start
	}
	return a, b
}

// protectedLen returns how many bytes of [a, b) lie in protected spans, given that none
// straddles a or b.
func protectedLen(prot []span, a, b int) int {
	n := 0
	for i := sort.Search(len(prot), func(i int) bool { return prot[i].end > a }); i < len(prot) && prot[i].start < b; i++ {
		n += min(prot[i].end, b) - max(prot[i].start, a)
	}
	return n
}
