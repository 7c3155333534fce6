package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

// dataScienceImage is built by `make test` (pycage image build --flavor datascience).
const dataScienceImage = "pycage/python:3.11-datascience"

// TestFiguresAndDataScience: numpy and pandas work in the data-science image, and matplotlib
// figures (each plt.show() and those left open) come back as PNG image content, bounded in
// number and size, never repeated as base64 in the text.
func TestFiguresAndDataScience(t *testing.T) {
	t.Parallel()
	s := startServer(t, "PYCAGE_IMAGE="+dataScienceImage, "PYCAGE_POOL=1", "PYCAGE_WARM_IMPORTS=numpy,pandas,matplotlib.pyplot")
	t.Run("numpy and pandas", func(t *testing.T) {
		_, out := s.run(t, "import numpy as np, pandas as pd\ndf = pd.DataFrame({'x': np.arange(5)})\nresult = {'sum': int(df.x.sum()), 'mean': float(df.x.mean())}")
		if got := mustJSON(out.Result); out.Status != "ok" || got != `{"mean":2,"sum":10}` {
			t.Errorf("status %q result %v stderr %q", out.Status, out.Result, out.Stderr)
		}
	})
	t.Run("show and open figures", func(t *testing.T) {
		res, out := s.run(t, `
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [1, 4, 9]); plt.title("shown")
plt.show()
plt.figure(); plt.bar(["a", "b"], [3, 5]); plt.title("left open")
print("plotted")`)
		if out.Status != "ok" || out.Images != 2 || out.Stdout != "plotted\n" {
			t.Fatalf("status %q images %d stdout %q stderr %q", out.Status, out.Images, out.Stdout, out.Stderr)
		}
		pngs := 0
		for _, c := range res.Content {
			if img, ok := c.(mcp.ImageContent); ok {
				b, err := base64.StdEncoding.DecodeString(img.Data)
				if err != nil || img.MIMEType != "image/png" || !bytes.HasPrefix(b, []byte("\x89PNG")) {
					t.Errorf("image content %q: %v", img.MIMEType, err)
				}
				pngs++
			}
		}
		if pngs != 2 || strings.Contains(text(res), "iVBOR") || !strings.Contains(text(res), "2 figure(s) attached") {
			t.Errorf("%d PNGs; text %q", pngs, text(res))
		}
		if b, _ := json.Marshal(res.StructuredContent); strings.Contains(string(b), "iVBOR") {
			t.Error("structured content repeats the PNG data")
		}
	})
	t.Run("text hidden in a figure's metadata does not come back", func(t *testing.T) {
		// A secret written into a PNG text chunk would pass the redactor, which reads no
		// image; pycage returns a figure's pixels only.
		hidden := "hidden-in-metadata-" + strings.Repeat("q", 16)
		res, out := s.run(t, `
import matplotlib.pyplot as plt, matplotlib.figure as mf
save = mf.Figure.savefig
mf.Figure.savefig = lambda self, *a, **k: save(self, *a, metadata={"Title": "`+hidden+`", "Comment": "`+hidden+`"}, **k)
plt.plot([1, 2]); plt.show()`)
		if out.Status != "ok" || out.Images != 1 {
			t.Fatalf("status %q images %d stderr %q", out.Status, out.Images, out.Stderr)
		}
		for _, c := range res.Content {
			if img, ok := c.(mcp.ImageContent); ok {
				b, _ := base64.StdEncoding.DecodeString(img.Data)
				if bytes.Contains(b, []byte(hidden)) || bytes.Contains(b, []byte("tEXt")) {
					t.Error("the figure came back with its text chunks")
				}
			}
		}
	})
	t.Run("at most four figures, the rest noted", func(t *testing.T) {
		res, out := s.run(t, "import matplotlib.pyplot as plt\nfor i in range(7):\n    plt.figure(); plt.plot([i, i + 1])")
		if out.Images != 4 || !strings.Contains(out.Stderr, "3 figure(s) not returned") {
			t.Errorf("images %d stderr %q", out.Images, out.Stderr)
		}
		if b, _ := json.Marshal(res); len(b) >= 1<<20 {
			t.Errorf("tool result is %d bytes", len(b))
		}
	})
	t.Run("a huge figure is downscaled or dropped, never over budget", func(t *testing.T) {
		res, out := s.run(t, `
import numpy as np, matplotlib.pyplot as plt
rng = np.random.default_rng(1)
for i in range(3):
    plt.figure(figsize=(16, 16)); plt.imshow(rng.random((600, 600)), cmap="viridis")`)
		total := 0
		for _, c := range res.Content {
			if img, ok := c.(mcp.ImageContent); ok {
				total += len(img.Data)
			}
		}
		if out.Status != "ok" || total > 512<<10 {
			t.Errorf("status %q, %d bytes of base64 images (stderr %q)", out.Status, total, out.Stderr)
		}
		if b, _ := json.Marshal(res); len(b) >= 1<<20 {
			t.Errorf("tool result is %d bytes", len(b))
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
