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

// tokenCase is a key of one provider's format, built at run time, and the rule that names it.
type tokenCase struct{ name, rule, token string }

// providerTokens returns a key of every format the rules know. Keys are assembled from pieces
// and random characters so that no file holds anything that looks like a real key.
func providerTokens(tb testing.TB) []tokenCase {
	tb.Helper()
	rs := func(n int, alphabet string) string { return randString(tb, n, alphabet) }
	const (
		lowerNum = "abcdefghijklmnopqrstuvwxyz0123456789"
		letters  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		b64      = alnum + "+/"
		bech32   = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
	)
	return []tokenCase{
		{"openai", "openai-api-key", "sk-" + fakeSecret(tb, 48)},
		{"openai-legacy", "openai-api-key", "sk-" + fakeSecret(tb, 20) + "T3Blbk" + "FJ" + fakeSecret(tb, 20)},
		{"openai-project", "openai-api-key", "sk-" + "proj-" + rs(60, b64url) + fakeSecret(tb, 20)},
		{"anthropic", "anthropic-api-key", "sk-" + "ant-api03-" + rs(80, b64url) + fakeSecret(tb, 13) + "AA"},
		{"anthropic-admin", "anthropic-api-key", "sk-" + "ant-admin01-" + rs(80, b64url) + fakeSecret(tb, 13) + "AA"},
		{"github-pat", "github-pat", "gh" + "p_" + rs(36, alnum)},
		{"github-oauth", "github-oauth", "gh" + "o_" + rs(36, alnum)},
		{"github-user-to-server", "github-app-token", "gh" + "u_" + rs(36, alnum)},
		{"github-server-to-server", "github-app-token", "gh" + "s_" + rs(36, alnum)},
		{"github-refresh", "github-refresh-token", "gh" + "r_" + rs(36, alnum)},
		{"github-fine-grained", "github-fine-grained-pat", "github" + "_pat_" + rs(22, alnum) + "_" + rs(59, alnum)},
		{"aws-akia", "aws-access-token", "AK" + "IA" + rs(16, upperNum)},
		{"aws-asia", "aws-access-token", "AS" + "IA" + rs(16, upperNum)},
		{"aws-a3t", "aws-access-token", "A3" + "T" + rs(17, upperNum)},
		{"slack-bot", "slack-token", "xo" + "xb-" + rs(12, "0123456789") + "-" + rs(13, "0123456789") + "-" + rs(24, alnum)},
		{"slack-user", "slack-token", "xo" + "xp-" + rs(12, "0123456789") + "-" + rs(32, alnum)},
		{"slack-app", "slack-app-token", "xa" + "pp-1-" + rs(11, upperNum) + "-" + rs(13, "0123456789") + "-" + rs(64, hexDigits)},
		{"slack-webhook", "slack-webhook-url", "hooks.slack" + ".com/services/T" + rs(8, upperNum) + "/B" + rs(10, upperNum) + "/" + rs(24, alnum)},
		{"google", "gcp-api-key", "AI" + "za" + rs(35, b64url)},
		{"stripe-live", "stripe-access-token", "sk" + "_live_" + rs(24, alnum)},
		{"stripe-restricted", "stripe-access-token", "rk" + "_live_" + rs(24, alnum)},
		{"stripe-test", "stripe-access-token", "sk" + "_test_" + rs(24, alnum)},
		{"jwt", "jwt", jwtToken(tb)},
		{"gitlab-pat", "gitlab-pat", "gl" + "pat-" + rs(20, b64url)},
		{"gitlab-pat-routable", "gitlab-pat", "gl" + "pat-" + rs(40, b64url) + "." + rs(2, lowerNum) + rs(7, lowerNum)},
		{"gitlab-deploy", "gitlab-deploy-token", "gl" + "dt-" + rs(20, b64url)},
		{"gitlab-runner", "gitlab-runner-authentication-token", "gl" + "rt-" + rs(20, b64url)},
		{"gitlab-trigger", "gitlab-ptt", "gl" + "ptt-" + rs(40, hexDigits)},
		{"gitlab-oauth", "gitlab-oauth-app-secret", "gl" + "oas-" + rs(64, b64url)},
		{"gitlab-job", "gitlab-cicd-job-token", "gl" + "cbt-" + rs(3, alnum) + "_" + rs(20, b64url)},
		{"gitlab-feed", "gitlab-feed-token", "gl" + "ft-" + rs(20, b64url)},
		{"gitlab-mail", "gitlab-incoming-mail-token", "gl" + "imt-" + rs(25, b64url)},
		{"gitlab-agent", "gitlab-kubernetes-agent-token", "gl" + "agent-" + rs(50, b64url)},
		{"gitlab-scim", "gitlab-scim-token", "gl" + "soat-" + rs(20, b64url)},
		{"gitlab-feature-flags", "gitlab-feature-flag-client-token", "gl" + "ffct-" + rs(20, b64url)},
		{"gitlab-runner-registration", "gitlab-rrt", "GR" + "1348941" + rs(20, b64url)},
		{"npm", "npm-access-token", "np" + "m_" + rs(36, lowerNum)},
		{"huggingface", "huggingface-access-token", "h" + "f_" + rs(34, letters)},
		{"huggingface-org", "huggingface-organization-api-token", "api" + "_org_" + rs(34, letters)},
		{"sendgrid", "sendgrid-api-token", "S" + "G." + rs(22, b64url) + "." + rs(43, b64url)},
		{"digitalocean-pat", "digitalocean-pat", "do" + "p_v1_" + rs(64, hexDigits)},
		{"digitalocean-oauth", "digitalocean-access-token", "do" + "o_v1_" + rs(64, hexDigits)},
		{"digitalocean-refresh", "digitalocean-refresh-token", "do" + "r_v1_" + rs(64, hexDigits)},
		{"twilio", "twilio-api-key", "S" + "K" + rs(32, hexDigits)},
		{"pypi", "pypi-upload-token", "py" + "pi-AgEIcHlwaS5vcmc" + rs(70, b64url)},
		{"shopify", "shopify-access-token", "sh" + "pat_" + rs(32, hexDigits)},
		{"shopify-custom", "shopify-custom-access-token", "sh" + "pca_" + rs(32, hexDigits)},
		{"shopify-private", "shopify-private-app-access-token", "sh" + "ppa_" + rs(32, hexDigits)},
		{"shopify-shared", "shopify-shared-secret", "sh" + "pss_" + rs(32, hexDigits)},
		{"postman", "postman-api-token", "PM" + "AK-" + rs(24, hexDigits) + "-" + rs(34, hexDigits)},
		{"doppler", "doppler-api-token", "dp" + ".pt." + rs(43, alnum)},
		{"pulumi", "pulumi-api-token", "pu" + "l-" + rs(40, hexDigits)},
		{"age", "age-secret-key", "AGE-SECRET" + "-KEY-1" + rs(58, bech32)},
		{"grafana-service-account", "grafana-service-account-token", "gl" + "sa_" + rs(32, alnum) + "_" + rs(8, hexDigits)},
		{"grafana-cloud", "grafana-cloud-api-token", "gl" + "c_" + rs(48, b64)},
		{"vault-service", "vault-service-token", "hv" + "s." + rs(95, b64url)},
		{"vault-batch", "vault-batch-token", "hv" + "b." + rs(140, b64url)},
		{"databricks", "databricks-api-token", "da" + "pi" + rs(32, hexDigits)},
		{"linear", "linear-api-key", "li" + "n_api_" + rs(40, alnum)},
		{"sentry-user", "sentry-user-token", "sn" + "tryu_" + rs(64, hexDigits)},
		{"sentry-org", "sentry-org-token", "sn" + "trys_eyJpYXQiO" + rs(30, alnum) + "LCJyZWdpb25fdXJs" + rs(30, alnum) + "_" + rs(43, alnum)},
		{"perplexity", "perplexity-api-key", "pp" + "lx-" + rs(48, alnum)},
		{"heroku", "heroku-api-key-v2", "HR" + "KU-AA" + rs(58, b64url)},
		{"notion", "notion-api-token", "nt" + "n_" + rs(11, "0123456789") + rs(35, alnum)},
		{"1password", "1password-service-account-token", "op" + "s_eyJ" + rs(260, b64)},
	}
}

// TestRules: every generic rule finds a token built at run time, in context, and names itself.
func TestRules(t *testing.T) {
	r := New(nil)
	pem := pemBlock(t, "RSA", 12, "")
	cases := append(providerTokens(t), []tokenCase{
		{"pem-rsa", "private-key", pem},
		{"pem-openssh", "private-key", pemBlock(t, "OPENSSH", 8, "")},
		{"pem-encrypted", "private-key", pemBlock(t, "RSA", 8, "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"+strings.ToUpper(hex.EncodeToString(randBytes(t, 16)))+"\n\n")},
		{"pem-pkcs8", "private-key", pemBlock(t, "ENCRYPTED", 8, "")},
	}...)
	seen := make(map[string]bool)
	for _, c := range cases {
		seen[c.rule] = true
	}
	for _, rl := range defaultRules() {
		if !seen[rl.name] {
			t.Errorf("rule %s has no test token", rl.name)
		}
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
		{"identifiers", "from huggingface_hub import hf_hub_download; os.environ['npm_config_cache']; " +
			"desk_test_configuration_value_1234567; risk-ant-colony-optimizer-Version2; task_sk-Model-Name-v2-Final; " +
			"glpat_is_not_a_token AKIAISNOTAKEY SKIP_THIS pul-request dapi_version=3 my_ghp_variable_name"},
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
