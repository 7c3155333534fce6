package sandbox

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestCapture(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		head, tail int
		wantHead   string
		wantTail   string
	}{
		{"fits in head", "hello", 8, 8, "hello", ""},
		{"fits in head and tail", "0123456789ab", 8, 8, "01234567", "89ab"},
		{"drops the middle", "0123456789abcdefghij", 4, 4, "0123", "ghij"},
		{"no tail kept", "0123456789", 4, 0, "0123", ""},
		{"empty", "", 4, 4, "", ""},
	}
	for _, tc := range tests {
		for _, chunking := range []string{"whole", "one byte"} {
			t.Run(tc.name+"/"+chunking, func(t *testing.T) {
				c := newCapture(tc.head, tc.tail)
				var r io.Reader = strings.NewReader(tc.input)
				if chunking == "one byte" {
					r = iotest.OneByteReader(r)
				}
				if _, err := io.Copy(c, r); err != nil {
					t.Fatal(err)
				}
				o := c.output()
				if string(o.Head) != tc.wantHead || string(o.Tail) != tc.wantTail || o.Total != int64(len(tc.input)) {
					t.Errorf("head %q tail %q total %d", o.Head, o.Tail, o.Total)
				}
				if want := int64(len(tc.input) - len(tc.wantHead) - len(tc.wantTail)); o.Dropped() != want {
					t.Errorf("dropped %d, want %d", o.Dropped(), want)
				}
			})
		}
	}
}

// TestCaptureBoundedMemory: 50 MB through a small capture keeps its memory small.
func TestCaptureBoundedMemory(t *testing.T) {
	c := newCapture(1024, 1024)
	chunk := bytes.Repeat([]byte("x"), 4093)
	for i := 0; i < 50<<20/len(chunk); i++ {
		c.Write(chunk)
		if cap(c.tail) > 4*1024+len(chunk) || cap(c.head) > 2*1024 {
			t.Fatalf("capture grew to head %d tail %d", cap(c.head), cap(c.tail))
		}
	}
}

func TestLimited(t *testing.T) {
	b := newBudget(10)
	out, errOut := newCapture(100, 0), newCapture(100, 0)
	for _, w := range []struct {
		to   *capture
		data string
	}{{out, "12345"}, {errOut, "1234"}, {out, "abc"}, {out, "more"}} {
		if n, err := (limited{w.to, b}).Write([]byte(w.data)); err != nil || n != len(w.data) {
			t.Fatalf("write %q: %d %v", w.data, n, err)
		}
	}
	select {
	case <-b.exceeded:
	default:
		t.Fatal("budget not signalled as exceeded")
	}
	if got := string(out.output().Head); got != "12345a" {
		t.Errorf("kept %q", got)
	}
}

func TestFrameSplitter(t *testing.T) {
	marker := newMarker()
	tests := []struct {
		name, input, wantOut, wantFrame string
	}{
		{"frame after output", "hello\n" + marker + `{"exit_code":0,"result":1}` + "\n", "hello\n", `{"exit_code":0,"result":1}`},
		{"frame after output without newline", "partial" + marker + `{"exit_code":2}` + "\n", "partial", `{"exit_code":2}`},
		{"no frame", "just output\n", "just output\n", ""},
		{"partial marker at end is output", "x" + marker[:5], "x" + marker[:5], ""},
		{"forged marker with wrong nonce is output", "\x00pycage-result-00\x00{}\n", "\x00pycage-result-00\x00{}\n", ""},
		{"last frame wins", marker + `{"exit_code":1}` + "\nmid\n" + marker + `{"exit_code":0,"result":"b"}` + "\n", "mid\n", `{"exit_code":0,"result":"b"}`},
		{"output after the frame is kept", marker + `{"exit_code":0}` + "\nlate\n", "late\n", `{"exit_code":0}`},
	}
	for _, tc := range tests {
		for _, chunking := range []string{"whole", "one byte"} {
			t.Run(tc.name+"/"+chunking, func(t *testing.T) {
				out := newCapture(1<<10, 1<<10)
				f := newFrameSplitter(out, marker, 1<<10)
				var r io.Reader = strings.NewReader(tc.input)
				if chunking == "one byte" {
					r = iotest.OneByteReader(r)
				}
				if _, err := io.Copy(f, r); err != nil {
					t.Fatal(err)
				}
				f.flush()
				o := out.output()
				if got := string(o.Head) + string(o.Tail); got != tc.wantOut {
					t.Errorf("output %q, want %q", got, tc.wantOut)
				}
				fr, ok := f.last()
				if tc.wantFrame == "" {
					if ok {
						t.Errorf("unexpected frame %+v", fr)
					}
					return
				}
				if !ok {
					t.Fatal("no frame")
				}
				want, _ := json_(tc.wantFrame)
				if fr.ExitCode != want.ExitCode || string(fr.Result) != string(want.Result) {
					t.Errorf("frame %+v, want %+v", fr, want)
				}
			})
		}
	}
}

func TestFrameSplitterOversizedFrameIsDropped(t *testing.T) {
	marker := newMarker()
	out := newCapture(1<<10, 1<<10)
	f := newFrameSplitter(out, marker, 16)
	io.WriteString(f, marker+`{"exit_code":0,"result":"`+strings.Repeat("x", 100)+`"}`+"\n")
	if _, ok := f.last(); ok {
		t.Error("oversized frame accepted")
	}
}
