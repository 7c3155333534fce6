package redact

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchSecrets returns 20 host secrets of assorted shapes: API keys, passwords, a PEM block.
func benchSecrets(tb testing.TB) []Secret {
	var s []Secret
	for i := range 18 {
		s = append(s, Secret{fmt.Sprintf("SECRET_%d", i), fakeSecret(tb, 16+3*i)})
	}
	s = append(s, Secret{"DB_PASSWORD", randString(tb, 12, punctual)})
	var pem strings.Builder
	pem.WriteString("-----BEGIN TEST BLOB-----\n")
	for range 25 {
		pem.WriteString(randString(tb, 64, alnum+"+/") + "\n")
	}
	pem.WriteString("-----END TEST BLOB-----\n")
	return append(s, Secret{"TLS_KEY", pem.String()})
}

// benchOutput builds about size bytes of plausible program output (log lines, numbers, JSON,
// a traceback) with a few embedded secrets in plain, base64 and spelled-out form.
func benchOutput(secrets []Secret, size int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the fetch rows batch model loss epoch worker request cache miss hit " +
		"connect timeout retry parse value column frame index mean std user order item price")
	var b strings.Builder
	for line := 0; b.Len() < size; line++ {
		switch line % 10 {
		case 3:
			fmt.Fprintf(&b, `{"ts":"2024-06-10T12:%02d:%02dZ","level":"info","rows":%d,"mean":%.6f,"id":"%08x-%04x"}`+"\n",
				line%60, line%59, rng.IntN(100000), rng.Float64(), rng.Uint32(), rng.IntN(65536))
		case 7:
			b.WriteString("  File \"/usr/lib/python3/dist-packages/pandas/core/frame.py\", line 3760, in __getitem__\n")
		default:
			fmt.Fprintf(&b, "2024-06-10 12:00:%02d,%03d INFO ", line%60, line%1000)
			for range 8 + rng.IntN(8) {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "n=%d t=%.3fs\n", rng.IntN(1e6), rng.Float64()*10)
		}
		if line%2000 == 1999 {
			s := secrets[rng.IntN(len(secrets)-1)].Value
			switch rng.IntN(3) {
			case 0:
				b.WriteString("leaked: " + s + "\n")
			case 1:
				b.WriteString("b64: " + base64.StdEncoding.EncodeToString([]byte("x"+s)) + "\n")
			default:
				b.WriteString(spell(s, "\n") + "\n")
			}
		}
	}
	return b.String()
}

func benchRedact(b *testing.B, size int) {
	secrets := benchSecrets(b)
	r := New(secrets)
	in := benchOutput(secrets, size)
	if _, n := r.Redact(in); n == 0 && size > 100<<10 {
		b.Fatal("no secret found in the benchmark text")
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Redact(in)
	}
}

// BenchmarkRedact1MiB: 20 host secrets and the rules on 1 MiB of output.
func BenchmarkRedact1MiB(b *testing.B) { benchRedact(b, 1<<20) }

// BenchmarkRedact10KB: the same on 10 KB, a typical call's output.
func BenchmarkRedact10KB(b *testing.B) { benchRedact(b, 10_000) }

// BenchmarkNew: building a Redactor for 20 host secrets.
func BenchmarkNew(b *testing.B) {
	secrets := benchSecrets(b)
	for b.Loop() {
		New(secrets)
	}
}
