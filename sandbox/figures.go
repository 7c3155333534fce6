package sandbox

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// Decoding a figure costs the server memory and CPU in proportion to its pixels, whatever the
// size of its file: a small PNG may claim many 16-bit pixels. Bytes of decoded pixels are
// bounded per figure and per call. matplotlib's figures are far below both (640×480 RGBA is
// 2.5 MB with its copy); a figure of 5 megapixels, such as 3000×1500, still passes.
const (
	maxFigureDecoded = 40 << 20
	maxCallDecoded   = 64 << 20
)

// pngSignature starts every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// figures turns the frame's images into PNGs fit to return: at most max of them, budget bytes
// in all. The frame is written by code inside the container and is not trusted: each image is
// decoded and its pixels drawn into a fresh 8-bit RGBA image that is encoded anew, which drops
// every chunk but the pixels (text chunks, palette entries no pixel uses, the low bytes of
// 16-bit samples: places where a secret could ride past the redactor) and anything that is not
// a PNG. Nothing is decoded past the count or the decoding bounds. It returns the kept PNGs
// and how many were dropped.
func figures(b64 []string, max, budget int) (kept [][]byte, dropped int) {
	used, decoded := 0, 0
	for _, s := range b64 {
		if len(kept) >= max {
			dropped++
			continue
		}
		b, cost, ok := reencodePNG(s, maxCallDecoded-decoded)
		decoded += cost
		if !ok || used+len(b) > budget {
			dropped++
			continue
		}
		used += len(b)
		kept = append(kept, b)
	}
	return kept, dropped
}

// reencodePNG decodes one base64 PNG, if its pixels take at most room bytes decoded (and at
// most maxFigureDecoded), and encodes them anew. cost is the decoded bytes it spent.
func reencodePNG(s string, room int) (out []byte, cost int, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !bytes.HasPrefix(raw, []byte(pngSignature)) {
		return nil, 0, false
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, 0, false
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	// The decoded image, and the RGBA copy the pixels are drawn into.
	need := px*int64(bytesPerPixel(cfg.ColorModel)) + px*4
	if need > maxFigureDecoded || need > int64(room) {
		return nil, 0, false
	}
	cost = int(need)
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, cost, false
	}
	clean := image.NewNRGBA(img.Bounds())
	draw.Draw(clean, clean.Bounds(), img, img.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, clean); err != nil {
		return nil, cost, false
	}
	return buf.Bytes(), cost, true
}

// bytesPerPixel is what image/png allocates per pixel for a color model.
func bytesPerPixel(m color.Model) int {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.RGBAModel, color.NRGBAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8 // RGBA64, NRGBA64 and anything else: the largest
}
