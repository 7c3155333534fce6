package redact

import (
	"regexp"
	"sort"
	"strings"
)

// Generic rules catch well-known credential formats the host does not know about. Names
// follow gitleaks' rule ids so that this curated set can later be replaced by that rule set.
// One pass over the text finds the keywords of all rules; a rule's regexp, anchored at the
// keyword, then runs on a window of at most maxLen bytes. Text without keywords costs next to
// nothing, every match is bounded, and since a token rule only starts where a token starts
// (leftBound) and its regexp stops at the token's end, repeated keywords stay linear.

// rule is one generic key format.
type rule struct {
	name     string
	keywords []string       // every match starts with one of these
	re       *regexp.Regexp // anchored with ^, applied at a keyword
	maxLen   int            // longest match, in bytes
	// leftBound requires that the byte before the match is not a token byte, so that the
	// keyword is not the middle of a longer word or of a base64 blob.
	leftBound bool
	// rightBound requires the same of the byte after the match (fixed-length formats).
	rightBound bool
	// valid, if set, must accept the matched text (cheap plausibility checks).
	valid func(string) bool
	// custom, if set, replaces re: it returns the end of the match at s[p:].
	custom func(s string, p int, c *ruleCache) (int, bool)
}

// ruleCache holds what a rule computes once per text, on first need.
type ruleCache struct {
	pemFooters []span // private key END lines, in order
	footersSet bool
}

// tokenByte reports whether c can be part of a token: letters, digits, '_' and '-'.
func tokenByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c == '-'
}

// mixedCase reports whether the text after the first '-' has a digit, an upper- and a
// lower-case letter, as generated keys do and hyphenated words do not.
func mixedCase(tok string) bool {
	var d, u, l bool
	for i := strings.IndexByte(tok, '-') + 1; i < len(tok); i++ {
		c := tok[i]
		d = d || isDigit(c)
		u = u || (c >= 'A' && c <= 'Z')
		l = l || (c >= 'a' && c <= 'z')
	}
	return d && u && l
}

// hasDigit reports whether tok contains a digit.
func hasDigit(tok string) bool { return strings.IndexAny(tok, "0123456789") >= 0 }

const (
	tokenMaxLen = 256
	jwtMaxLen   = 8 << 10
	// pemMaxLen bounds a private key block; an RSA 8192-bit key in PEM is about 6.5 KB.
	pemMaxLen = 16 << 10
)

// defaultRules is the curated first set. Order matters for ties: a match of an earlier rule
// wins over an equally long match of a later one (sk-ant- before sk-).
func defaultRules() []rule {
	return []rule{
		{
			name:     "private-key",
			keywords: []string{"-----BEGIN"},
			custom:   privateKeyAt,
			maxLen:   pemMaxLen,
		},
		{
			name:      "anthropic-api-key",
			keywords:  []string{"sk-ant-"},
			re:        regexp.MustCompile(`^sk-ant-[A-Za-z0-9_-]{20}[A-Za-z0-9_-]*`),
			maxLen:    tokenMaxLen,
			leftBound: true,
			valid:     mixedCase,
		},
		{
			name:      "openai-api-key",
			keywords:  []string{"sk-"},
			re:        regexp.MustCompile(`^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20}[A-Za-z0-9_-]*`),
			maxLen:    tokenMaxLen,
			leftBound: true,
			valid:     mixedCase,
		},
		{
			name:      "github-fine-grained-pat",
			keywords:  []string{"github_pat_"},
			re:        regexp.MustCompile(`^github_pat_[0-9A-Za-z_]{40}[0-9A-Za-z_]*`),
			maxLen:    tokenMaxLen,
			leftBound: true,
		},
		githubRule("github-pat", "ghp_"),
		githubRule("github-oauth", "gho_"),
		githubRule("github-app-token", "ghu_", "ghs_"),
		githubRule("github-refresh-token", "ghr_"),
		{
			name:       "aws-access-token",
			keywords:   []string{"AKIA", "ASIA", "ABIA", "ACCA"},
			re:         regexp.MustCompile(`^(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}`),
			maxLen:     20,
			leftBound:  true,
			rightBound: true,
		},
		{
			name:      "slack-token",
			keywords:  []string{"xox"},
			re:        regexp.MustCompile(`^xox[abeoprs]-[0-9A-Za-z-]{10}[0-9A-Za-z-]*`),
			maxLen:    tokenMaxLen,
			leftBound: true,
			valid:     hasDigit,
		},
		{
			name:      "slack-app-token",
			keywords:  []string{"xapp-"},
			re:        regexp.MustCompile(`^xapp-[0-9]-[0-9A-Za-z-]{20}[0-9A-Za-z-]*`),
			maxLen:    tokenMaxLen,
			leftBound: true,
		},
		{
			name:       "gcp-api-key",
			keywords:   []string{"AIza"},
			re:         regexp.MustCompile(`^AIza[0-9A-Za-z_-]{35}`),
			maxLen:     39,
			leftBound:  true,
			rightBound: true,
		},
		{
			name:      "stripe-access-token",
			keywords:  []string{"sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"},
			re:        regexp.MustCompile(`^[rs]k_(?:live|test|prod)_[0-9A-Za-z]{16}[0-9A-Za-z]*`),
			maxLen:    tokenMaxLen,
			leftBound: true,
		},
		{
			name:      "jwt",
			keywords:  []string{"eyJ"},
			re:        regexp.MustCompile(`^eyJ[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`),
			maxLen:    jwtMaxLen,
			leftBound: true,
		},
	}
}

func githubRule(name string, prefixes ...string) rule {
	return rule{
		name:      name,
		keywords:  prefixes,
		re:        regexp.MustCompile(`^(?:` + strings.Join(prefixes, "|") + `)[0-9A-Za-z]{36}[0-9A-Za-z]*`),
		maxLen:    tokenMaxLen,
		leftBound: true,
	}
}

// at returns the end of rl's match at s[p:], which starts with one of rl's keywords.
func (rl *rule) at(s string, p int, c *ruleCache) (int, bool) {
	if rl.leftBound && p > 0 && tokenByte(s[p-1]) {
		return 0, false
	}
	var e int
	if rl.custom != nil {
		var ok bool
		if e, ok = rl.custom(s, p, c); !ok {
			return 0, false
		}
	} else {
		loc := rl.re.FindStringIndex(s[p:min(len(s), p+rl.maxLen)])
		if loc == nil {
			return 0, false
		}
		e = p + loc[1]
	}
	if rl.rightBound && e < len(s) && tokenByte(s[e]) {
		return 0, false
	}
	if rl.valid != nil && !rl.valid(s[p:e]) {
		return 0, false
	}
	return e, true
}

// ruleSet finds the keywords of all rules in one pass: the last three bytes of the text are
// kept in a register and tested against a bitset of the keywords' first three bytes.
type ruleSet struct {
	rules []rule
	bits  [1 << (ruleBitsLog - 6)]uint64
	byKey map[uint32][]keywordRef
}

const (
	ruleBitsLog = 16
	ruleHashMul = 0x9E3779B1
	maxRules    = 64
)

// keywordRef is one keyword of rules[rule].
type keywordRef struct {
	rule int
	kw   string
}

func newRuleSet(rules []rule) *ruleSet {
	if len(rules) > maxRules {
		panic("redact: too many rules")
	}
	rs := &ruleSet{rules: rules, byKey: make(map[uint32][]keywordRef)}
	for i, rl := range rules {
		for _, kw := range rl.keywords {
			if len(kw) < 3 {
				panic("redact: rule keyword shorter than 3 bytes: " + kw)
			}
			k := uint32(kw[0])<<16 | uint32(kw[1])<<8 | uint32(kw[2])
			rs.byKey[k] = append(rs.byKey[k], keywordRef{i, kw})
			h := (k * ruleHashMul) >> (32 - ruleBitsLog)
			rs.bits[h>>6] |= 1 << (h & 63)
		}
	}
	return rs
}

// find calls fn for every match of every rule in s. After a match, a rule looks for its next
// one past the match's end. cache is reset and reused.
func (rs *ruleSet) find(s string, cache *ruleCache, fn func(rule, start, end int)) {
	cache.pemFooters, cache.footersSet = cache.pemFooters[:0], false
	var next [maxRules]int
	var key uint32
	for i := 0; i < len(s); i++ {
		key = (key<<8 | uint32(s[i])) & 0xffffff
		h := (key * ruleHashMul) >> (32 - ruleBitsLog)
		if rs.bits[h>>6]&(1<<(h&63)) == 0 || i < 2 {
			continue
		}
		p := i - 2
		for _, ref := range rs.byKey[key] {
			if p < next[ref.rule] || !strings.HasPrefix(s[p:], ref.kw) {
				continue
			}
			if e, ok := rs.rules[ref.rule].at(s, p, cache); ok {
				fn(ref.rule, p, e)
				next[ref.rule] = e
			}
		}
	}
}

var (
	pemHeader = regexp.MustCompile(`^-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----`)
	pemFooter = regexp.MustCompile(`^-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----`)
)

// pemArmourMax bounds a BEGIN or END line.
const pemArmourMax = 80

// privateKeyAt matches a PEM private key block at s[p:]: up to its END line when that is
// within pemMaxLen, else (a cut block) the BEGIN line and the base64 body after it. The END
// lines of the text are found once, so many BEGIN lines cost no more than one each.
func privateKeyAt(s string, p int, c *ruleCache) (int, bool) {
	loc := pemHeader.FindStringIndex(s[p:min(len(s), p+pemArmourMax)])
	if loc == nil {
		return 0, false
	}
	h := p + loc[1]
	if !c.footersSet {
		c.footersSet = true
		for off := 0; ; {
			j := strings.Index(s[off:], "-----END")
			if j < 0 {
				break
			}
			q := off + j
			off = q + 1
			if f := pemFooter.FindStringIndex(s[q:min(len(s), q+pemArmourMax)]); f != nil {
				c.pemFooters = append(c.pemFooters, span{q, q + f[1]})
				off = q + f[1]
			}
		}
	}
	i := sort.Search(len(c.pemFooters), func(i int) bool { return c.pemFooters[i].start >= h })
	if i < len(c.pemFooters) && c.pemFooters[i].end-p <= pemMaxLen {
		return c.pemFooters[i].end, true
	}
	e := h
	for e < len(s) && e-p < pemMaxLen && pemBodyByte(s[e]) {
		e++
	}
	return e, true
}

// pemBodyByte reports whether c can occur in a PEM body: base64, white space, the
// punctuation of Proc-Type and DEK-Info headers, and backslash (of an escaped "\n").
func pemBodyByte(c byte) bool {
	return isLetter(c) || isDigit(c) || strings.IndexByte("+/=:,.-\\ \t\r\n", c) >= 0
}
