package redact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// pemBlock builds a private-key-shaped block of random base64 at run time.
func pemBlock(tb testing.TB, kind string, lines int, headers string) string {
	tb.Helper()
	armour := kind + " PRIVATE" + " KEY"
	var b strings.Builder
	b.WriteString("-----BEGIN " + armour + "-----\n" + headers)
	for range lines {
		b.WriteString(base64.StdEncoding.EncodeToString(randBytes(tb, 48)) + "\n")
	}
	b.WriteString("-----END " + armour + "-----")
	return b.String()
}

func jwtToken(tb testing.TB) string {
	tb.Helper()
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body := enc.EncodeToString([]byte(`{"sub":"` + randString(tb, 12, alnum) + `","iat":1700000000}`))
	return head + "." + body + "." + enc.EncodeToString(randBytes(tb, 32))
}

// TestRules: every generic rule finds a token built at run time, in context, and names itself.
func TestRules(t *testing.T) {
	r := New(nil)
	pem := pemBlock(t, "RSA", 12, "")
	cases := []struct{ name, rule, token string }{
		{"openai", "openai-api-key", "sk-" + fakeSecret(t, 48)},
		{"openai-project", "openai-api-key", "sk-" + "proj-" + randString(t, 60, b64url) + fakeSecret(t, 20)},
		{"anthropic", "anthropic-api-key", "sk-" + "ant-api03-" + randString(t, 80, b64url) + fakeSecret(t, 15)},
		{"github-pat", "github-pat", "gh" + "p_" + randString(t, 36, alnum)},
		{"github-oauth", "github-oauth", "gh" + "o_" + randString(t, 36, alnum)},
		{"github-user-to-server", "github-app-token", "gh" + "u_" + randString(t, 36, alnum)},
		{"github-server-to-server", "github-app-token", "gh" + "s_" + randString(t, 36, alnum)},
		{"github-refresh", "github-refresh-token", "gh" + "r_" + randString(t, 36, alnum)},
		{"github-fine-grained", "github-fine-grained-pat", "github" + "_pat_" + randString(t, 22, alnum) + "_" + randString(t, 59, alnum)},
		{"aws-akia", "aws-access-token", "AK" + "IA" + randString(t, 16, upperNum)},
		{"aws-asia", "aws-access-token", "AS" + "IA" + randString(t, 16, upperNum)},
		{"slack-bot", "slack-token", "xo" + "xb-" + randString(t, 12, "0123456789") + "-" + randString(t, 13, "0123456789") + "-" + randString(t, 24, alnum)},
		{"slack-user", "slack-token", "xo" + "xp-" + randString(t, 12, "0123456789") + "-" + randString(t, 32, alnum)},
		{"slack-app", "slack-app-token", "xa" + "pp-1-" + randString(t, 11, upperNum) + "-" + randString(t, 13, "0123456789") + "-" + randString(t, 64, hexDigits)},
		{"google", "gcp-api-key", "AI" + "za" + randString(t, 35, b64url)},
		{"stripe-live", "stripe-access-token", "sk" + "_live_" + randString(t, 24, alnum)},
		{"stripe-restricted", "stripe-access-token", "rk" + "_live_" + randString(t, 24, alnum)},
		{"stripe-test", "stripe-access-token", "sk" + "_test_" + randString(t, 24, alnum)},
		{"jwt", "jwt", jwtToken(t)},
		{"pem-rsa", "private-key", pem},
		{"pem-openssh", "private-key", pemBlock(t, "OPENSSH", 8, "")},
		{"pem-encrypted", "private-key", pemBlock(t, "RSA", 8, "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"+strings.ToUpper(hex.EncodeToString(randBytes(t, 16)))+"\n\n")},
		{"pem-pkcs8", "private-key", pemBlock(t, "ENCRYPTED", 8, "")},
	}
	for _, c := range cases {
		for _, ctx := range []struct{ name, before, after string }{
			{"bare", "", ""},
			{"header", "Authorization: Bearer ", "\n"},
			{"env", "export KEY=", "; echo ok"},
			{"json", `{"token": "`, `", "n": 1}`},
			{"after-marker", "[REDACTED:jwt]", " tail"},
		} {
			t.Run(c.name+"/"+ctx.name, func(t *testing.T) {
				in := ctx.before + c.token + ctx.after
				out, n := r.Redact(in)
				if want := ctx.before + marker(c.rule) + ctx.after; out != want || n != 1 {
					t.Errorf("Redact(%q)\n = %q, %d\nwant %q, 1", in, out, n, want)
				}
			})
		}
	}
	t.Run("pem-truncated", func(t *testing.T) {
		in := pem[:len(pem)/2]
		out, n := r.Redact("key:\n" + in)
		body := strings.Split(in, "\n")[3]
		assertRedacted(t, in, out, n, "private-key", body)
	})
	t.Run("pem-json-escaped", func(t *testing.T) {
		in := `{"k": "` + strings.ReplaceAll(pem, "\n", `\n`) + `"}`
		out, n := r.Redact(in)
		if want := `{"k": "` + marker("private-key") + `"}`; out != want || n != 1 {
			t.Errorf("got %q, %d", out, n)
		}
	})
}

// TestNoFalsePositives: ordinary output passes unchanged, with 20 host secrets and the rules.
func TestNoFalsePositives(t *testing.T) {
	var secrets []Secret
	for i := range 20 {
		secrets = append(secrets, Secret{fmt.Sprintf("S%d", i), fakeSecret(t, 16+i)})
	}
	r := New(secrets)
	uuid := func() string {
		h := hex.EncodeToString(randBytes(t, 16))
		return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
	}
	cases := []struct{ name, text string }{
		{"uuid", "request " + uuid() + " done, parent f47ac10b-58cc-4372-a567-0e02b2c3d479"},
		{"uuids", strings.Repeat(uuid()+"\n", 200)},
		{"git-sha", "commit " + hex.EncodeToString(randBytes(t, 20)) + "\nMerge: 1a2b3c4 5d6e7f8"},
		{"sha256", "sha256:" + hex.EncodeToString(randBytes(t, 32)) + "  file.tar.gz"},
		{"md5", strings.ToUpper(hex.EncodeToString(randBytes(t, 16))) + " " + hex.EncodeToString(randBytes(t, 16))},
		{"image-base64", "data:image/png;base64," + base64.StdEncoding.EncodeToString(randBytes(t, 48<<10))},
		{"image-base64url", base64.RawURLEncoding.EncodeToString(randBytes(t, 48<<10))},
		{"hexdump", hex.Dump(randBytes(t, 4096))},
		{"prose", "The quick brown fox jumps over the lazy dog. A risk-adjusted task-management " +
			"approach uses sk-learn-compatible-estimator-interfaces, desk-based ghp and xox games, " +
			"AKIA is a word here, eyJ alone is nothing, and -----BEGIN is not a key."},
		{"traceback", "Traceback (most recent call last):\n  File \"/usr/lib/python3.11/site-packages/numpy/core/fromnumeric.py\", line 59, in _wrapfunc\n" +
			"    return bound(*args, **kwds)\n  File \"<string>\", line 12, in <module>\nKeyError: 'task-sk-model-name'\n"},
		{"numbers", "mean=0.4999823 std=0.2887 n=1048576 p=3.14159265358979 ts=1718000000123"},
		{"pip", "Successfully installed numpy-1.26.4 pandas-2.2.1 python-dateutil-2.9.0.post0 pytz-2024.1"},
		{"json-log", `{"level":"info","ts":"2024-06-10T12:00:00Z","msg":"fetched","rows":1200,"ip":"10.0.0.12","id":"` + uuid() + `"}`},
		{"public-cert", "-----BEGIN CERTIFICATE-----\n" + base64.StdEncoding.EncodeToString(randBytes(t, 48)) + "\n-----END CERTIFICATE-----"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if out, n := r.Redact(c.text); out != c.text || n != 0 {
				t.Errorf("changed (%d spans):\n in: %.300q\nout: %.300q", n, c.text, out)
			}
		})
	}
}
