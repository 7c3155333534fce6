package redact

import "strings"

// Generic rules catch well-known credential formats the host does not know about (the list is
// in providers.go). Names follow gitleaks' rule ids. One pass over the text finds the keywords
// of all rules; a rule then checks the text at the keyword without regular expressions: most
// are a keyword followed by a body, a run of bytes of one class, whose length is checked.
//
// Every check is linear in the text: the end of a body run is remembered per class, so many
// keywords inside one long run cost one scan of it; the token run to the left of a keyword is
// measured by a pointer that only moves forward; a rule looks for its next match past the end
// of its last one; and the custom formats (PEM blocks, JWTs) are built on the same runs or
// stop at the next keyword of their own (see pem.go).

// rule is one generic key format.
type rule struct {
	name     string
	keywords []string // every match starts with one of these (at least 3 bytes)
	// A token: a keyword, then a body of class bytes, at least minBody of them; a longer run
	// is redacted up to maxBody bytes.
	class   byteClassID
	minBody int
	maxBody int
	// exact: the body is exactly minBody bytes, and the byte after it is no letter or digit.
	exact bool
	// glue lets the keyword follow a letter or digit as well as '_' or '-' (see leftOK): for
	// keywords whose '_' or '-' cannot occur in standard base64, so that gluing a key to a
	// word ("x_sk-ant-...", "tokenghp_...") does not hide it.
	glue bool
	// anyLeft lets a match start after anything (a PEM block glued to a long word).
	anyLeft bool
	// valid, if set, must accept the matched text (cheap plausibility checks).
	valid func(string) bool
	// custom, if set, replaces the token form: it returns the end of the match at s[p:].
	custom func(s string, p int, c *ruleCache) (int, bool)
	maxLen int // longest match, in bytes
}

// maxGlue bounds the token run (letters, digits, '_', '-') a keyword may be glued to: an
// identifier or a word, not the inside of a base64url blob, where a keyword would be chance.
const maxGlue = 64

// byteClassID names a body class.
type byteClassID uint8

const (
	classAlnum     byteClassID = iota // A-Z a-z 0-9
	classUpperNum                     // A-Z 0-9
	classLetters                      // A-Z a-z
	classHex                          // 0-9 a-f A-F
	classWord                         // alnum and '_'
	classB64URL                       // alnum, '_' and '-'
	classAlnumDash                    // alnum and '-'
	classDotted                       // alnum, '_', '-' and '.'
	classB64                          // alnum, '+', '/' and '='
	classB64Word                      // classB64 and '_'
	numClasses
)

var classTables = func() (t [numClasses][256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		upper, lower, digit := b >= 'A' && b <= 'Z', b >= 'a' && b <= 'z', isDigit(b)
		alnum := upper || lower || digit
		t[classAlnum][c] = alnum
		t[classUpperNum][c] = upper || digit
		t[classLetters][c] = upper || lower
		t[classHex][c] = digit || (b|0x20 >= 'a' && b|0x20 <= 'f')
		t[classWord][c] = alnum || b == '_'
		t[classB64URL][c] = alnum || b == '_' || b == '-'
		t[classAlnumDash][c] = alnum || b == '-'
		t[classDotted][c] = alnum || b == '_' || b == '-' || b == '.'
		t[classB64][c] = alnum || b == '+' || b == '/' || b == '='
		t[classB64Word][c] = t[classB64][c] || b == '_'
	}
	return t
}()

// ruleCache holds what the rules learn about one text as find moves through it.
type ruleCache struct {
	atEnd   bool           // the text searched ends where the whole text ends
	runs    [numSlots]span // per slot (a class, or a segment of a dotted format): the last run
	scan    int            // leftRun has looked at every byte before scan
	lastNon int            // the last byte before scan that is no token byte
	lastEnd int            // the end of the last match of any rule
	next    [maxRules]int  // per rule: where its next match may start
}

func (c *ruleCache) reset(atEnd bool) {
	c.atEnd = atEnd
	c.runs = [numSlots]span{}
	c.scan, c.lastNon, c.lastEnd = 0, -1, 0
	c.next = [maxRules]int{}
}

// runEnd returns the end of the run of class bytes starting at q, remembering the run in slot.
// Queries of a slot come in (nearly) increasing order; one that lands inside the remembered run
// costs nothing, one that reaches its start jumps to its end, so each slot scans a byte once.
func (c *ruleCache) runEnd(s string, slot int, class byteClassID, q int) int {
	r := &c.runs[slot]
	if q >= r.start && q < r.end {
		return r.end
	}
	t := &classTables[class]
	e := q
	for e < len(s) && t[s[e]] {
		if e == r.start && r.end > r.start {
			e = r.end
			break
		}
		e++
	}
	*r = span{q, e}
	return e
}

// leftRun returns how many token bytes come just before p, since the end of the last match,
// or a number above maxGlue. The end of a match counts as a boundary, so keys glued to each
// other ("ghp_..._ghp_...") are found one after the other. The calls of one find come with p
// in increasing order, so the pointer only moves forward.
func (c *ruleCache) leftRun(s string, p int) int {
	if c.scan < p-maxGlue-1 {
		c.scan, c.lastNon = p-maxGlue-1, -1<<30
	}
	for ; c.scan < p; c.scan++ {
		if !tokenByte(s[c.scan]) {
			c.lastNon = c.scan
		}
	}
	return p - max(c.lastNon+1, c.lastEnd)
}

// tokenByte reports whether c can be part of a token: letters, digits, '_' and '-'.
func tokenByte(c byte) bool { return classTables[classB64URL][c] }

func isAlnum(c byte) bool { return classTables[classAlnum][c] }

// leftOK reports whether a match may start at p: at the start of the text, after a byte that
// is no token byte, or after '_' or '-' (any token byte for a glue rule) that ends a token run
// of at most maxGlue bytes, such as "MY_KEY_" or "x_".
func (rl *rule) leftOK(s string, p int, c *ruleCache) bool {
	if p == 0 || !tokenByte(s[p-1]) {
		return true
	}
	if !rl.glue && isAlnum(s[p-1]) {
		return false
	}
	return c.leftRun(s, p) <= maxGlue
}

// at returns the end of rl's match at s[p:], which starts with the keyword kw.
func (rl *rule) at(s string, p int, kw string, c *ruleCache) (int, bool) {
	if !rl.anyLeft && !rl.leftOK(s, p, c) {
		return 0, false
	}
	if rl.custom != nil {
		return rl.custom(s, p, c)
	}
	q := p + len(kw)
	n := c.runEnd(s, int(rl.class), rl.class, q) - q
	if n < rl.minBody {
		return 0, false
	}
	if rl.exact && (n != rl.minBody || (q+n < len(s) && isAlnum(s[q+n]))) {
		return 0, false
	}
	e := q + min(n, rl.maxBody)
	if rl.class == classDotted {
		for e > q+rl.minBody && s[e-1] == '.' { // a full stop after the key
			e--
		}
	}
	if rl.valid != nil && !rl.valid(s[p:e]) {
		return 0, false
	}
	return e, true
}

// ruleSet finds the keywords of all rules in one pass: the last three bytes of the text are
// kept in a register and tested against a bitset of the keywords' first three bytes, then
// looked up in a small open-addressing table.
type ruleSet struct {
	rules []rule
	bits  [1 << (ruleBitsLog - 6)]uint64
	table [ruleTableSize]keySlot
	refs  [][]keywordRef // by keySlot.refs - 1
}

// keySlot maps the first three bytes of keywords to their refs (0: empty slot).
type keySlot struct {
	key  uint32
	refs int32
}

const (
	ruleBitsLog   = 16
	ruleHashMul   = 0x9E3779B1
	maxRules      = 96
	ruleTableLog  = 10
	ruleTableSize = 1 << ruleTableLog // more than four times the keys
)

// lookup returns the keywords that start with the three bytes key.
func (rs *ruleSet) lookup(key uint32) []keywordRef {
	for i := (key * ruleHashMul) >> (32 - ruleTableLog); ; i = (i + 1) & (ruleTableSize - 1) {
		sl := &rs.table[i]
		if sl.refs == 0 {
			return nil
		}
		if sl.key == key {
			return rs.refs[sl.refs-1]
		}
	}
}

// keywordRef is one keyword of rules[rule].
type keywordRef struct {
	rule int
	kw   string
}

func newRuleSet(rules []rule) *ruleSet {
	if len(rules) > maxRules {
		panic("redact: too many rules")
	}
	rs := &ruleSet{rules: rules}
	byKey := make(map[uint32][]keywordRef)
	var keys []uint32
	for i := range rs.rules {
		rl := &rs.rules[i]
		for _, kw := range rl.keywords {
			if len(kw) < 3 {
				panic("redact: rule keyword shorter than 3 bytes: " + kw)
			}
			k := uint32(kw[0])<<16 | uint32(kw[1])<<8 | uint32(kw[2])
			if byKey[k] == nil {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], keywordRef{i, kw})
			h := (k * ruleHashMul) >> (32 - ruleBitsLog)
			rs.bits[h>>6] |= 1 << (h & 63)
			if rl.custom == nil {
				rl.maxLen = max(rl.maxLen, len(kw)+rl.maxBody)
			}
		}
	}
	if 4*len(keys) > ruleTableSize {
		panic("redact: too many rule keywords")
	}
	for _, k := range keys {
		i := (k * ruleHashMul) >> (32 - ruleTableLog)
		for rs.table[i].refs != 0 {
			i = (i + 1) & (ruleTableSize - 1)
		}
		rs.refs = append(rs.refs, byKey[k])
		rs.table[i] = keySlot{k, int32(len(rs.refs))}
	}
	return rs
}

// find calls fn for every match of every rule in s. atEnd tells whether s ends where the whole
// text does (a cut PEM block is only taken as cut there). cache is reset and reused.
func (rs *ruleSet) find(s string, atEnd bool, cache *ruleCache, fn func(rule, start, end int)) {
	cache.reset(atEnd)
	next := &cache.next
	var key uint32
	for i := 0; i < len(s); i++ {
		key = (key<<8 | uint32(s[i])) & 0xffffff
		h := (key * ruleHashMul) >> (32 - ruleBitsLog)
		if rs.bits[h>>6]&(1<<(h&63)) == 0 || i < 2 {
			continue
		}
		p := i - 2
		for _, ref := range rs.lookup(key) {
			kw := ref.kw
			if p < next[ref.rule] || len(s)-p < len(kw) || (len(kw) > 3 && s[p+3] != kw[3]) ||
				s[p:p+len(kw)] != kw {
				continue
			}
			if e, ok := rs.rules[ref.rule].at(s, p, ref.kw, cache); ok {
				fn(ref.rule, p, e)
				next[ref.rule] = e
				cache.lastEnd = max(cache.lastEnd, e)
			}
		}
	}
}

// keyLikeRun is the longest run of letters and digits keyLike wants: a random base64url body
// of 90 bytes or more lacks one with a chance of about 1 in 200,000.
const keyLikeRun = 12

// keyLike reports whether the text after the first '-' has a digit, an upper- and a lower-case
// letter, and keyLikeRun letters and digits in a row, as generated keys do and hyphenated
// words and identifiers ("risk-ant-colony-optimizer-v2") do not.
func keyLike(tok string) bool {
	var d, u, l bool
	run, longest := 0, 0
	for i := strings.IndexByte(tok, '-') + 1; i < len(tok); i++ {
		c := tok[i]
		d = d || isDigit(c)
		u = u || (c >= 'A' && c <= 'Z')
		l = l || (c >= 'a' && c <= 'z')
		if isAlnum(c) {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return d && u && l && longest >= keyLikeRun
}

// hasDigit reports whether tok contains a digit.
func hasDigit(tok string) bool { return strings.IndexAny(tok, "0123456789") >= 0 }
