package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Fake host secrets, made at run time: one injected into the sandbox, one only known to the host.
var (
	injectedSecret = "fk-" + rand.Text() + rand.Text()
	hostOnlySecret = "ho-" + rand.Text()
	// unicodeSecret has characters that Python escapes as \xNN, \uNNNN and \UNNNNNNNN.
	unicodeSecret = "pw-" + rand.Text()[:12] + "é" + rand.Text()[:6] + "üΩ🔑"

	sharedOnce sync.Once
	shared     *mcpServer
)

// pyASCII is what Python's ascii() writes inside the quotes for s (no quotes or backslashes in it).
func pyASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x7f:
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String()
}

func secretEnv() []string {
	return []string{
		"FAKE_SERVICE_API_KEY=" + injectedSecret,
		"FAKE_OTHER_TOKEN=" + hostOnlySecret,
		"FAKE_UNICODE_PASSWORD=" + unicodeSecret,
		"PYCAGE_SECRETS=FAKE_SERVICE_API_KEY,FAKE_UNICODE_PASSWORD",
		"PYCAGE_CONCURRENCY=4",
	}
}

// sharedServer is one server for the tests that need no special configuration.
func sharedServer(t *testing.T) *mcpServer {
	t.Helper()
	requireDocker(t)
	sharedOnce.Do(func() { shared = newServer(t, secretEnv()...) })
	if shared == nil {
		t.Fatal("shared server did not start")
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.close(&testing.T{})
	}
	if binPath != "" {
		os.RemoveAll(strings.TrimSuffix(binPath, "/pycage"))
	}
	if dockerCli != nil && len(serverPID) > 0 {
		// Every server the tests started has exited: none may have left a container behind.
		if left := pycageContainers(&testing.T{}, serverPID...); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: %d pycage container(s) left behind by the test servers\n", len(left))
			for _, c := range left {
				fmt.Fprintf(os.Stderr, "  %s %s server pid %s\n", c.ID[:12], c.Status, c.Labels["io.pycage.pid"])
				var pid int
				fmt.Sscan(c.Labels["io.pycage.pid"], &pid)
				if s := servers[pid]; s != nil {
					fmt.Fprintf(os.Stderr, "server log:\n%s\n", s.stderr)
				}
			}
			code = 1
		}
	}
	os.Exit(code)
}

func TestRunPythonBasics(t *testing.T) {
	t.Parallel()
	s := sharedServer(t)
	tests := []struct {
		name   string
		args   map[string]any
		status string
		exit   int
		check  func(t *testing.T, out string, stderr string, result any)
	}{
		{"hello world", map[string]any{"code": `print("hello, world")`}, "ok", 0,
			func(t *testing.T, out, _ string, _ any) {
				if out != "hello, world\n" {
					t.Errorf("stdout %q", out)
				}
			}},
		{"result is structured", map[string]any{"code": `result = {"squares": [i*i for i in range(4)], "name": "x", "none": None}`}, "ok", 0,
			func(t *testing.T, _, _ string, r any) {
				b, _ := json.Marshal(r)
				if string(b) != `{"name":"x","none":null,"squares":[0,1,4,9]}` {
					t.Errorf("result %s", b)
				}
			}},
		{"INPUT_DATA", map[string]any{"code": `result = sum(INPUT_DATA["values"]) * INPUT_DATA["factor"]`,
			"input_data": map[string]any{"values": []int{1, 2, 3}, "factor": 10}}, "ok", 0,
			func(t *testing.T, _, _ string, r any) {
				if fmt.Sprint(r) != "60" {
					t.Errorf("result %v", r)
				}
			}},
		{"INPUT_DATA is None when absent", map[string]any{"code": `result = INPUT_DATA is None`}, "ok", 0,
			func(t *testing.T, _, _ string, r any) {
				if r != true {
					t.Errorf("result %v", r)
				}
			}},
		{"exception gives a traceback", map[string]any{"code": "def f():\n    return 1/0\nprint('before')\nf()\n"}, "error", 1,
			func(t *testing.T, out, stderr string, _ any) {
				if out != "before\n" || !strings.Contains(stderr, "Traceback") || !strings.Contains(stderr, "ZeroDivisionError") ||
					!strings.Contains(stderr, `File "<code>", line 2, in f`) || !strings.Contains(stderr, "return 1/0") {
					t.Errorf("stdout %q stderr %q", out, stderr)
				}
				if strings.Contains(stderr, "_pycage") || strings.Contains(stderr, "runner") {
					t.Errorf("traceback shows pycage's own frames: %q", stderr)
				}
			}},
		{"sys.exit(3)", map[string]any{"code": "import sys\nprint('bye')\nsys.exit(3)"}, "error", 3,
			func(t *testing.T, out, _ string, _ any) {
				if out != "bye\n" {
					t.Errorf("stdout %q", out)
				}
			}},
		{"sys.exit(0) with result", map[string]any{"code": "import sys\nresult = [1]\nsys.exit(0)"}, "ok", 0,
			func(t *testing.T, _, _ string, r any) {
				if fmt.Sprint(r) != "[1]" {
					t.Errorf("result %v", r)
				}
			}},
		{"syntax error", map[string]any{"code": "def (:"}, "error", 1,
			func(t *testing.T, _, stderr string, _ any) {
				if !strings.Contains(stderr, "SyntaxError") {
					t.Errorf("stderr %q", stderr)
				}
			}},
		{"unserializable result is explained", map[string]any{"code": "result = object()"}, "ok", 0,
			func(t *testing.T, _, stderr string, r any) {
				if r != nil || !strings.Contains(stderr, "not JSON-serializable") {
					t.Errorf("result %v stderr %q", r, stderr)
				}
			}},
		{"a result nested 300 deep is refused with a note", map[string]any{"code": "x = 1\nfor _ in range(300): x = [x]\nresult = x"}, "ok", 0,
			func(t *testing.T, _, stderr string, r any) {
				if r != nil || !strings.Contains(stderr, "nested deeper than 64 levels") {
					t.Errorf("result %.80v stderr %q", r, stderr)
				}
			}},
		{"a result nested 60 deep comes back", map[string]any{"code": "x = 1\nfor _ in range(60): x = [x]\nresult = x"}, "ok", 0,
			func(t *testing.T, _, stderr string, r any) {
				if b, _ := json.Marshal(r); string(b) != strings.Repeat("[", 60)+"1"+strings.Repeat("]", 60) {
					t.Errorf("result %s stderr %q", b, stderr)
				}
			}},
		{"input() gets EOF at once", map[string]any{"code": "try:\n    input()\nexcept EOFError:\n    print('eof')"}, "ok", 0,
			func(t *testing.T, out, _ string, _ any) {
				if out != "eof\n" {
					t.Errorf("stdout %q", out)
				}
			}},
		{"output that looks like a frame or JSON-RPC is data", map[string]any{"code": `print('{"jsonrpc":"2.0","id":1,"result":{}}'); print("\x00pycage-result-00\x00{\"exit_code\":0}"); result = 5`}, "ok", 0,
			func(t *testing.T, out, _ string, r any) {
				if !strings.Contains(out, `{"jsonrpc":"2.0","id":1,"result":{}}`) || fmt.Sprint(r) != "5" {
					t.Errorf("stdout %q result %v", out, r)
				}
			}},
		{"invalid UTF-8 and NUL bytes come back as valid text", map[string]any{"code": `import sys; sys.stdout.buffer.write(b"a\xff\xfeb\x00c\n")`}, "ok", 0,
			func(t *testing.T, out, _ string, _ any) {
				if out != "a\uFFFDb\x00c\n" {
					t.Errorf("stdout %q", out)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, out := s.call(t, tc.args)
			if out.Status != tc.status || out.ExitCode != tc.exit {
				t.Fatalf("status %q exit %d, want %q %d\nstdout %q\nstderr %q", out.Status, out.ExitCode, tc.status, tc.exit, out.Stdout, out.Stderr)
			}
			if out.ExecutionID == "" || !strings.Contains(text(res), out.ExecutionID) {
				t.Errorf("execution id %q missing from the text %q", out.ExecutionID, text(res))
			}
			tc.check(t, out.Stdout, out.Stderr, out.Result)
		})
	}
}

// TestLargeOutput: 10 MB of output comes back truncated and flagged, well under 1 MiB.
func TestLargeOutput(t *testing.T) {
	t.Parallel()
	s := sharedServer(t)
	res, out := s.run(t, "import sys\nprint('FIRST')\nfor i in range(100000):\n    sys.stdout.write('x' * 99 + '\\n')\nprint('LAST')")
	if out.Status != "ok" || !out.Truncated {
		t.Fatalf("status %q truncated %v", out.Status, out.Truncated)
	}
	if !strings.HasPrefix(out.Stdout, "FIRST\n") || !strings.HasSuffix(out.Stdout, "LAST\n") || !strings.Contains(out.Stdout, "bytes of output cut") {
		t.Errorf("head/tail/marker missing: %q ... %q", out.Stdout[:40], out.Stdout[len(out.Stdout)-40:])
	}
	b, _ := json.Marshal(res)
	if len(b) > 600<<10 {
		t.Errorf("tool result is %d bytes", len(b))
	}
}

// TestSecretsNeverReturned: the injected secret, printed in the forms the redactor must catch.
func TestSecretsNeverReturned(t *testing.T) {
	t.Parallel()
	s := sharedServer(t)
	b64 := base64.StdEncoding.EncodeToString([]byte(injectedSecret))
	forms := []string{injectedSecret, b64, strings.TrimRight(b64, "="),
		base64.URLEncoding.EncodeToString([]byte(injectedSecret)),
		hex.EncodeToString([]byte(injectedSecret)), strings.ToUpper(hex.EncodeToString([]byte(injectedSecret)))}
	tests := []struct{ name, code string }{
		{"plain", `import os; print(os.environ["FAKE_SERVICE_API_KEY"])`},
		{"inside a longer string", `import os; print("key=" + os.environ["FAKE_SERVICE_API_KEY"] + "; done")`},
		{"base64 at each alignment", `import os, base64
k = os.environ["FAKE_SERVICE_API_KEY"].encode()
for pad in (b"", b"a", b"ab"):
    print(base64.b64encode(pad + k + b"tail").decode())
    print(base64.urlsafe_b64encode(pad + k).decode().rstrip("="))`},
		{"hex both cases", `import os; k = os.environ["FAKE_SERVICE_API_KEY"].encode(); print(k.hex()); print(k.hex().upper())`},
		{"percent-encoded", `import os, urllib.parse; print(urllib.parse.quote(os.environ["FAKE_SERVICE_API_KEY"], safe=""))`},
		{"in a traceback", `import os; raise ValueError(os.environ["FAKE_SERVICE_API_KEY"])`},
		{"in result", `import os; result = {"key": os.environ["FAKE_SERVICE_API_KEY"], os.environ["FAKE_SERVICE_API_KEY"]: 1}`},
		{"split across two flushed writes", `import os, sys, time
k = os.environ["FAKE_SERVICE_API_KEY"]
sys.stdout.write(k[:10]); sys.stdout.flush(); time.sleep(0.2); sys.stdout.write(k[10:] + "\n")`},
		{"on stderr", `import os, sys; print(os.environ["FAKE_SERVICE_API_KEY"], file=sys.stderr)`},
		{"host secret typed into the code", "print('" + hostOnlySecret + "')"},
		{"non-ASCII secret through ascii(), %a and backslashreplace", `import os
u = os.environ["FAKE_UNICODE_PASSWORD"]
print(ascii(u)); print("%a" % [u])
print(u.encode("ascii", "backslashreplace").decode(), u.encode("unicode_escape").decode())
raise ValueError(ascii(u))`},
		{"non-ASCII secret normalized or as character references", `import os, unicodedata
u = os.environ["FAKE_UNICODE_PASSWORD"]
for form in ("NFC", "NFD", "NFKC", "NFKD"):
    print(unicodedata.normalize(form, u))
print(u.encode("ascii", "xmlcharrefreplace").decode())`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, out := s.run(t, tc.code)
			whole, _ := json.Marshal(res)
			for _, f := range append(forms, hostOnlySecret, unicodeSecret, pyASCII(unicodeSecret), norm.NFD.String(unicodeSecret), "&#233;") {
				if strings.Contains(string(whole)+out.Stdout+out.Stderr, f) {
					t.Errorf("secret form %q came back in %s", f, whole)
				}
			}
			if out.Redactions == 0 || !strings.Contains(string(whole), "[REDACTED:") {
				t.Errorf("no redaction reported: %s", whole)
			}
		})
	}
	t.Run("a host secret not injected is absent from the container", func(t *testing.T) {
		t.Parallel()
		_, out := s.run(t, `import os; print("FAKE_OTHER_TOKEN" in os.environ, "FAKE_SERVICE_API_KEY" in os.environ, sorted(k for k in os.environ if "PYCAGE" in k))`)
		if out.Stdout != "False True []\n" {
			t.Errorf("stdout %q", out.Stdout)
		}
	})
	t.Run("server log holds no secret", func(t *testing.T) {
		log := s.stderr.String()
		if strings.Contains(log, injectedSecret) || strings.Contains(log, hostOnlySecret) {
			t.Errorf("server stderr leaks a secret")
		}
	})
}

// TestRejectedStartsNoContainer: a policy rejection names rule, line and column, and the
// engine never sees a container for it.
func TestRejectedStartsNoContainer(t *testing.T) {
	t.Parallel()
	s := startServer(t, "PYCAGE_POOL=0") // a pool would start containers ahead of any call
	cli := requireDocker(t)
	since := time.Now().Add(-time.Second)
	res, out := s.run(t, "x = 1\n# subprocess in a comment is fine\ny = 'eval(' \nimport  subprocess\n")
	if out.Status != "rejected" || out.ExitCode != -1 || !res.IsError {
		t.Fatalf("status %q exit %d", out.Status, out.ExitCode)
	}
	if !strings.Contains(out.Stderr, `"subprocess"`) || !strings.Contains(out.Stderr, "line 4, column 9") {
		t.Errorf("rejection message %q", out.Stderr)
	}
	if n := countCreates(t, cli, since, s.cmd.Process.Pid); n != 0 {
		t.Errorf("%d container(s) created for a rejected call", n)
	}
	// And a call that runs does create one: the check above can fail.
	s.run(t, "print(1)")
	if n := countCreates(t, cli, since, s.cmd.Process.Pid); n != 1 {
		t.Errorf("%d container(s) created for one call", n)
	}
}

// TestBadArguments: mistakes in a call are isError results the model can read.
func TestBadArguments(t *testing.T) {
	t.Parallel()
	s := sharedServer(t)
	tests := []struct {
		name string
		args map[string]any
		want string
	}{
		{"missing code", map[string]any{}, "missing argument code"},
		{"empty code", map[string]any{"code": "  \n"}, "code is empty"},
		{"code not a string", map[string]any{"code": 42}, "must be a string"},
		{"5 MB of code", map[string]any{"code": strings.Repeat("#", 5<<20)}, "over the limit"},
		{"NUL byte", map[string]any{"code": "print(1)\x00"}, "NUL byte"},
		{"input_data not an object", map[string]any{"code": "print(1)", "input_data": []int{1}}, "must be a JSON object"},
		{"timeout too large", map[string]any{"code": "print(1)", "timeout_seconds": 100000}, "outside 1 to 300"},
		{"timeout too small to be a duration", map[string]any{"code": "print(1)", "timeout_seconds": 1e-320}, "under the minimum of 1 second"},
		{"timeout not a number", map[string]any{"code": "print(1)", "timeout_seconds": "5"}, "must be a number"},
		{"unknown argument", map[string]any{"code": "print(1)", "language": "python"}, `unknown argument "language"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, out := s.call(t, tc.args)
			if !res.IsError || out.Status != "rejected" || !strings.Contains(out.Stderr, tc.want) || !strings.Contains(text(res), tc.want) {
				t.Errorf("isError %v status %q stderr %q, want %q", res.IsError, out.Status, out.Stderr, tc.want)
			}
		})
	}
	// The server still serves.
	if _, out := s.run(t, "print(2)"); out.Stdout != "2\n" {
		t.Errorf("after bad calls: %q", out.Stdout)
	}
}
