package sandbox

import (
	"bytes"
	"encoding/base64"
	"image/png"
)

// maxFigurePixels bounds one figure's size in pixels, so that decoding a small file that
// claims huge dimensions cannot take the server's memory (16 MiB of RGBA at most).
const maxFigurePixels = 4 << 20

// pngSignature starts every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// figures turns the frame's images into PNGs fit to return: at most max of them, budget bytes
// in all. The frame is written by code inside the container and is not trusted: each image is
// decoded and encoded anew from its pixels, which drops every chunk but the pixels (text
// chunks and the like, where a secret could ride past the redactor) and anything that is not
// a PNG. It returns the kept PNGs and how many were dropped.
func figures(b64 []string, max, budget int) (kept [][]byte, dropped int) {
	var used int
	for _, s := range b64 {
		b, ok := reencodePNG(s)
		if !ok || len(kept) >= max || used+len(b) > budget {
			dropped++
			continue
		}
		used += len(b)
		kept = append(kept, b)
	}
	return kept, dropped
}

// reencodePNG decodes one base64 PNG and encodes its pixels again.
func reencodePNG(s string) ([]byte, bool) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !bytes.HasPrefix(raw, []byte(pngSignature)) {
		return nil, false
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxFigurePixels {
		return nil, false
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, false
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}
