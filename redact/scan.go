package redact

// The matcher finds many literal needles in one pass. Every needle has an anchor: anchorLen
// bytes of it, ASCII case-folded. The scan keeps the last anchorLen folded bytes of the text
// in a register, tests a hashed bitset (a few kilobytes, in cache) and only on a hit looks the
// register up in a map and compares whole needles. Text without candidates costs a shift, a
// multiply and a bit test per byte.

const (
	anchorLen  = 7 // bytes; one less than MinSecretLen so the "tail" needles fit
	anchorMask = 1<<(8*anchorLen) - 1
	hashMul    = 0x9E3779B97F4A7C15
	minBitsLog = 16
	maxBitsLog = 24
	// anchorTries bounds the anchor positions considered in a long needle.
	anchorTries = 64
)

// foldTable maps ASCII upper-case letters to lower case and every other byte to itself.
var foldTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = byte(c) + 'a' - 'A'
	}
	return t
}()

// needle is one literal to find.
type needle struct {
	text   string // folded when ci
	ci     bool   // compare ASCII case-insensitively
	anchor int    // offset of the anchor in text
	label  int32  // index of the marker in Redactor.labels
	prio   int32  // lower wins among matches of equal length
	id     int32  // unique across all matchers of a Redactor
	// maxSpan bounds the original bytes a match in a normalized view may cover; 0 for raw.
	maxSpan int
	// gap bounds the bytes a normalized view dropped between two bytes of a match (a run of
	// separators between two characters of a spelled-out value).
	gap int
	// head, when non-zero, is a first byte that was left out of text because a preceding
	// control sequence may have swallowed it; the match must find it just before (see tail
	// handling in Redactor.scanStream).
	head byte
}

// matcher finds a fixed set of needles.
type matcher struct {
	needles []needle
	index   map[uint64][]int32
	bits    []uint64
	shift   uint
}

// newMatcher indexes ns. Every needle must be at least anchorLen bytes long.
func newMatcher(ns []needle) *matcher {
	if len(ns) == 0 {
		return nil
	}
	m := &matcher{needles: ns, index: make(map[uint64][]int32)}
	for i := range ns {
		nd := &m.needles[i]
		nd.anchor = pickAnchor(nd.text)
		k := packKey(nd.text[nd.anchor:])
		m.index[k] = append(m.index[k], int32(i))
	}
	lg := minBitsLog
	for 1<<lg < 32*len(m.index) && lg < maxBitsLog {
		lg++
	}
	m.bits = make([]uint64, 1<<lg/64)
	m.shift = uint(64 - lg)
	for k := range m.index {
		h := (k * hashMul) >> m.shift
		m.bits[h>>6] |= 1 << (h & 63)
	}
	return m
}

// packKey folds and packs the first anchorLen bytes of t as the scan register holds them.
func packKey(t string) uint64 {
	var k uint64
	for i := 0; i < anchorLen; i++ {
		k = k<<8 | uint64(foldTable[t[i]])
	}
	return k
}

// pickAnchor chooses the window of t with the most distinct bytes, so that runs of one
// character (padding, spaces) do not make an anchor that matches everywhere; among those, one
// with digits and both cases, so that common words ("-----BEGIN " of a PEM value) are not it.
func pickAnchor(t string) int {
	best, bestN := 0, -1
	for o := 0; o+anchorLen <= len(t) && o < anchorTries; o++ {
		var seen [256]bool
		n := 0
		var digit, lower, upper int
		for _, c := range []byte(t[o : o+anchorLen]) {
			switch {
			case isDigit(c):
				digit = 1
			case c >= 'a' && c <= 'z':
				lower = 1
			case c >= 'A' && c <= 'Z':
				upper = 1
			}
			c = foldTable[c]
			if !seen[c] {
				seen[c] = true
				n++
			}
		}
		if n = 4*n + digit + lower + upper; n > bestN {
			best, bestN = o, n
		}
	}
	return best
}

// scan calls fn for every occurrence of every needle in t, in order of the anchor's end.
func scan[T string | []byte](m *matcher, t T, fn func(start, end int, nd *needle)) {
	n := len(t)
	if m == nil || n < anchorLen {
		return
	}
	var key uint64
	for i := 0; i < anchorLen-1; i++ {
		key = key<<8 | uint64(foldTable[t[i]])
	}
	bits, shift := m.bits, m.shift
	for i := anchorLen - 1; i < n; i++ {
		key = (key<<8 | uint64(foldTable[t[i]])) & anchorMask
		h := (key * hashMul) >> shift
		if bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, ni := range m.index[key] {
			nd := &m.needles[ni]
			s := i - (anchorLen - 1) - nd.anchor
			if s < 0 || s+len(nd.text) > n || !equalAt(t, s, nd) {
				continue
			}
			fn(s, s+len(nd.text), nd)
		}
	}
}

// equalAt reports whether nd occurs in t at s.
func equalAt[T string | []byte](t T, s int, nd *needle) bool {
	if nd.ci {
		for j := 0; j < len(nd.text); j++ {
			if foldTable[t[s+j]] != nd.text[j] {
				return false
			}
		}
		return true
	}
	for j := 0; j < len(nd.text); j++ {
		if t[s+j] != nd.text[j] {
			return false
		}
	}
	return true
}

// fold returns s with ASCII letters in lower case.
func fold(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = foldTable[c]
	}
	return string(b)
}
