package tools

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pycage/pycage/sandbox"
)

// TestAuditLog: one parseable line per call, mode 0600, concurrent calls never interleave,
// and no secret in the clear anywhere in the file.
func TestAuditLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	os.WriteFile(path, nil, 0o644) // an existing, too open file is made private
	p, _ := newPipeline(t, func(_ context.Context, req sandbox.Request) (sandbox.Result, error) {
		return sandbox.Result{Status: sandbox.StatusOK, Stdout: output(req.Code)}, nil
	})
	audit, err := OpenAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	p.Audit = audit
	big := strings.Repeat("x = 1\n", 20000) // 120 KB: a long single write
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code := "print('" + testSecret + "')\n" + big
			switch i % 4 {
			case 1:
				code = "import subprocess # " + testSecret
			case 2:
				code = ""
			}
			p.Execute(context.Background(), Args{Code: code})
		}(i)
		if i == 0 {
			p.Reject("missing argument code") // arguments that did not parse are audited too
		}
	}
	wg.Wait()
	audit.Close()

	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("audit log mode %v, %v", info.Mode(), err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), testSecret) {
		t.Error("audit log holds a secret in the clear")
	}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(nil, 1<<20)
	counts := map[string]int{}
	for sc.Scan() {
		var r AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line is not a record: %v: %.200s", err, sc.Text())
		}
		if r.ExecutionID == "" || r.CodeSHA256 == "" || r.Policy != "default" || r.Image == "" || r.Limits.TimeoutMS != 30000 {
			t.Errorf("incomplete record %+v", r)
		}
		counts[r.Status]++
		if r.Status == StatusRejected && r.Verdict == "allowed" {
			t.Errorf("rejected call with verdict allowed")
		}
	}
	if counts["ok"] != 20 || counts[StatusRejected] != 21 {
		t.Errorf("records by status: %v", counts)
	}
}
