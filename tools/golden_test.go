package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/sandbox/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestToolsListGolden pins the tools/list JSON (schema, output schema, annotations) that
// clients and their configs see. Refresh with: go test ./tools -run Golden -update
func TestToolsListGolden(t *testing.T) {
	p, _ := newPipeline(t, func(context.Context, sandbox.Request) (sandbox.Result, error) { return sandbox.Result{}, nil })
	list, err := inProcessClient(t, p).ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(list.Tools)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	json.Indent(&got, raw, "", "  ")
	got.WriteByte('\n')
	path := filepath.Join("testdata", "tools_list.golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("tools/list changed; if that is intended, run go test ./tools -run Golden -update\ngot:\n%s", got.Bytes())
	}
}

// TestInstructionsFollowTheConfiguration: the server instructions state the live limits.
func TestInstructionsFollowTheConfiguration(t *testing.T) {
	p, _ := newPipeline(t, nil)
	p.Limits.Memory, p.Limits.MaxImages, p.DefaultTimeout = 512<<20, 0, 10*time.Second
	got := p.instructions()
	for _, want := range []string{"10 s by default", "512 MiB of memory", "64 MiB of writable /tmp", "1 KiB of output", "not returned as images", "default policy", "`result`", "INPUT_DATA", "no network"} {
		if !strings.Contains(got, want) {
			t.Errorf("instructions lack %q:\n%s", want, got)
		}
	}

	// What the image holds and what the policy rejects come from the live configuration: a
	// stdlib image gets no promise of figures, a policy file's allow-list is spelled out, and
	// the file's path (host information) is not.
	dir := t.TempDir()
	file := filepath.Join(dir, "site.policy")
	if err := os.WriteFile(file, []byte("base off\ndeny name requests\nallow-imports json, math\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	if p.Policy, err = policy.Parse(file); err != nil {
		t.Fatal(err)
	}
	p.Limits.MaxImages, p.ImageFlavor = 4, "python"
	got = p.instructions()
	for _, want := range []string{"standard library only", "The operator's policy", "use of the name requests", "any module but json, math"} {
		if !strings.Contains(got, want) {
			t.Errorf("instructions lack %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"matplotlib figures", dir, "subprocess"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("instructions say %q:\n%s", unwanted, got)
		}
	}
	// A policy's rules are the operator's words: a forbidden text is not repeated, and what is
	// said passes the redactor (found by an adversarial review: deny text of a secret).
	if err := os.WriteFile(file, []byte("base default\ndeny text /home/alice/.secrets/db\ndeny text "+testSecret+"\ndeny attr os.environ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p.Policy, err = policy.Parse(file); err != nil {
		t.Fatal(err)
	}
	got = p.instructions()
	if strings.Contains(got, "/home/alice") || strings.Contains(got, testSecret) || !strings.Contains(got, "2 text(s) the operator forbids") || !strings.Contains(got, "use of os.environ") {
		t.Errorf("instructions with deny text rules:\n%s", got)
	}
	// A rule's own text, for a model whose code hits it, is redacted in the rejection.
	if out, _ := p.Execute(context.Background(), Args{Code: "x = '" + testSecret + "'"}); out.Status != StatusRejected || strings.Contains(out.Stderr, testSecret) {
		t.Errorf("rejection by a deny text of a secret: %+v", out)
	}
	p.ImageFlavor = "datascience"
	if got = p.instructions(); !strings.Contains(got, "numpy, pandas and matplotlib") || !strings.Contains(got, "up to 4 per call and 384 KiB of PNG") {
		t.Errorf("data-science instructions:\n%s", got)
	}
}
