package redact

// The curated rule set: provider key formats with a distinctive keyword, after gitleaks'
// default rules (ids and formats of v8.30.1). Formats that gitleaks finds only near a word
// such as "key" or "heroku" (generic-api-key and the like) are left out: they match ordinary
// output too often for a redactor that cannot ask anyone.

// token returns a rule for keywords followed by at least minBody bytes of class.
func token(name string, class byteClassID, minBody int, keywords ...string) rule {
	return rule{name: name, keywords: keywords, class: class, minBody: minBody, maxBody: tokenMaxLen}
}

// fixed returns a rule for keywords followed by exactly n bytes of class.
func fixed(name string, class byteClassID, n int, keywords ...string) rule {
	return rule{name: name, keywords: keywords, class: class, minBody: n, maxBody: n, exact: true}
}

// glued lets the rule's keywords follow a letter or digit (see rule.glue).
func (rl rule) glued() rule { rl.glue = true; return rl }

// checked adds a plausibility check of the whole match.
func (rl rule) checked(valid func(string) bool) rule { rl.valid = valid; return rl }

// upTo sets the most body bytes redacted.
func (rl rule) upTo(n int) rule { rl.maxBody = n; return rl }

// defaultRules is the curated set. Order matters for ties: a match of an earlier rule wins
// over an equally long match of a later one (sk-ant- before sk-).
func defaultRules() []rule {
	return []rule{
		{name: "private-key", keywords: []string{"-----BEGIN"}, custom: privateKeyAt, maxLen: pemMaxLen, anyLeft: true},
		token("anthropic-api-key", classB64URL, 20, "sk-ant-").checked(keyLike).glued(),
		token("openai-api-key", classB64URL, 20, "sk-proj-", "sk-svcacct-", "sk-admin-").checked(keyLike).glued(),
		token("openai-api-key", classB64URL, 20, "sk-").checked(keyLike),
		token("github-fine-grained-pat", classWord, 40, "github_pat_").glued(),
		token("github-pat", classAlnum, 36, "ghp_").glued(),
		token("github-oauth", classAlnum, 36, "gho_").glued(),
		token("github-app-token", classAlnum, 36, "ghu_", "ghs_").glued(),
		token("github-refresh-token", classAlnum, 36, "ghr_").glued(),
		fixed("aws-access-token", classUpperNum, 16, "AKIA", "ASIA", "ABIA", "ACCA").glued(),
		fixed("aws-access-token", classUpperNum, 17, "A3T"),
		token("slack-token", classAlnumDash, 10, "xoxa-", "xoxb-", "xoxe-", "xoxo-", "xoxp-", "xoxr-", "xoxs-",
			"xoxe.xoxb-", "xoxe.xoxp-").checked(hasDigit).glued(),
		token("slack-app-token", classAlnumDash, 22, "xapp-").checked(slackAppShape).glued(),
		token("slack-webhook-url", classB64, 43, "hooks.slack.com/services/", "hooks.slack.com/workflows/",
			"hooks.slack.com/triggers/"),
		fixed("gcp-api-key", classB64URL, 35, "AIza"),
		token("stripe-access-token", classAlnum, 16, "sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
		{name: "jwt", keywords: []string{"eyJ"}, custom: jwtAt, maxLen: jwtMaxLen},
		token("gitlab-pat", classDotted, 20, "glpat-").glued(),
		token("gitlab-deploy-token", classB64URL, 20, "gldt-").glued(),
		token("gitlab-runner-authentication-token", classDotted, 20, "glrt-").glued(),
		fixed("gitlab-ptt", classHex, 40, "glptt-").glued(),
		token("gitlab-oauth-app-secret", classB64URL, 64, "gloas-").glued(),
		token("gitlab-cicd-job-token", classB64URL, 22, "glcbt-").glued(),
		token("gitlab-feed-token", classB64URL, 20, "glft-").glued(),
		token("gitlab-incoming-mail-token", classB64URL, 25, "glimt-").glued(),
		token("gitlab-kubernetes-agent-token", classB64URL, 50, "glagent-").glued(),
		token("gitlab-scim-token", classB64URL, 20, "glsoat-").glued(),
		token("gitlab-feature-flag-client-token", classB64URL, 20, "glffct-").glued(),
		token("gitlab-rrt", classB64URL, 20, "GR1348941"),
		fixed("npm-access-token", classAlnum, 36, "npm_").glued(),
		fixed("huggingface-access-token", classLetters, 34, "hf_"),
		fixed("huggingface-organization-api-token", classLetters, 34, "api_org_").glued(),
		{name: "sendgrid-api-token", keywords: []string{"SG."}, custom: sendgridAt, maxLen: 69},
		fixed("digitalocean-pat", classHex, 64, "dop_v1_").glued(),
		fixed("digitalocean-access-token", classHex, 64, "doo_v1_").glued(),
		fixed("digitalocean-refresh-token", classHex, 64, "dor_v1_").glued(),
		// "SK" and 32 hex digits; keywords are three bytes at least, so the first digit is one.
		fixed("twilio-api-key", classHex, 31, twilioKeywords()...),
		token("pypi-upload-token", classB64URL, 50, "pypi-AgEIcHlwaS5vcmc").upTo(1000).glued(),
		fixed("shopify-access-token", classHex, 32, "shpat_").glued(),
		fixed("shopify-custom-access-token", classHex, 32, "shpca_").glued(),
		fixed("shopify-private-app-access-token", classHex, 32, "shppa_").glued(),
		fixed("shopify-shared-secret", classHex, 32, "shpss_").glued(),
		fixed("postman-api-token", classAlnumDash, 59, "PMAK-").checked(postmanShape).glued(),
		fixed("doppler-api-token", classAlnum, 43, "dp.pt.").glued(),
		fixed("pulumi-api-token", classHex, 40, "pul-").glued(),
		fixed("age-secret-key", classUpperNum, 58, "AGE-SECRET-KEY-1").glued(),
		fixed("grafana-service-account-token", classWord, 41, "glsa_").checked(grafanaSAShape).glued(),
		token("grafana-cloud-api-token", classB64, 32, "glc_").upTo(400).glued(),
		token("vault-service-token", classB64URL, 90, "hvs.").glued(),
		token("vault-batch-token", classB64URL, 138, "hvb.").upTo(300).glued(),
		fixed("databricks-api-token", classHex, 32, "dapi"),
		fixed("linear-api-key", classAlnum, 40, "lin_api_").glued(),
		fixed("sentry-user-token", classHex, 64, "sntryu_").glued(),
		token("sentry-org-token", classB64Word, 60, "sntrys_eyJpYXQiO").upTo(1000).glued(),
		fixed("perplexity-api-key", classAlnum, 48, "pplx-").glued(),
		fixed("heroku-api-key-v2", classB64URL, 58, "HRKU-AA").glued(),
		fixed("notion-api-token", classAlnum, 46, "ntn_").checked(notionShape).glued(),
		token("1password-service-account-token", classB64, 250, "ops_eyJ").upTo(2000).glued(),
	}
}

// twilioKeywords returns "SK" followed by each hex digit.
func twilioKeywords() []string {
	var kws []string
	for _, c := range "0123456789abcdefABCDEF" {
		kws = append(kws, "SK"+string(c))
	}
	return kws
}

// slackAppShape: "xapp-", a digit, '-'.
func slackAppShape(tok string) bool { return isDigit(tok[5]) && tok[6] == '-' }

// postmanShape: "PMAK-", 24 hex digits, '-', 34 hex digits.
func postmanShape(tok string) bool {
	return allIn(tok[5:29], classHex) && tok[29] == '-' && allIn(tok[30:], classHex)
}

// grafanaSAShape: "glsa_", 32 letters or digits, '_', 8 hex digits.
func grafanaSAShape(tok string) bool {
	return allIn(tok[5:37], classAlnum) && tok[37] == '_' && allIn(tok[38:], classHex)
}

// notionShape: "ntn_", 11 digits, 35 letters or digits.
func notionShape(tok string) bool {
	for _, c := range []byte(tok[4:15]) {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func allIn(s string, class byteClassID) bool {
	for _, c := range []byte(s) {
		if !classTables[class][c] {
			return false
		}
	}
	return true
}
