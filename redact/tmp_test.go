package redact

import "testing"

func TestTmpHits(t *testing.T) {
	secrets := benchSecrets(t)
	r := New(secrets)
	in := benchOutput(secrets, 1<<20)
	count := func(m *matcher, t string) (bits, keys int) {
		var key uint64
		for i := 0; i < len(t); i++ {
			key = (key<<8 | uint64(foldTable[t[i]])) & anchorMask
			if i < 6 { continue }
			h := (key * hashMul) >> m.shift
			if m.bits[h>>6]&(1<<(h&63)) != 0 { bits++; if len(m.index[key]) > 0 { keys++ } }
		}
		return
	}
	b, k := count(r.raw, in)
	t.Logf("raw needles=%d index=%d bitsLen=%d hits=%d keyhits=%d", len(r.raw.needles), len(r.raw.index), len(r.raw.bits)*64, b, k)
	var nt normText
	normalize(streamSep, in, nil, &nt)
	m := r.streams[0]
	b, k = count(m, string(nt.b))
	t.Logf("sep needles=%d index=%d bitsLen=%d hits=%d keyhits=%d len=%d", len(m.needles), len(m.index), len(m.bits)*64, b, k, len(nt.b))
}
