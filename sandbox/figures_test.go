package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"testing"
)

// testPNG encodes a small gradient, with extra chunks inserted after IHDR.
func testPNG(t *testing.T, w, h int, extra ...[]byte) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4 // signature, then IHDR's length, type, data and CRC
	out := append([]byte{}, raw[:ihdrEnd]...)
	for _, c := range extra {
		out = append(out, c...)
	}
	return append(out, raw[ihdrEnd:]...)
}

// chunk builds one PNG chunk with its CRC.
func chunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestFiguresReencoded: a figure comes back as its pixels only. Text chunks (where code could
// hide a secret from the redactor), non-PNG bytes behind a PNG signature and figures whose
// header claims a huge size are dropped, never passed on as they came.
func TestFiguresReencoded(t *testing.T) {
	secret := "figure-secret-0123456789abcdef"
	withText := testPNG(t, 32, 16,
		chunk("tEXt", []byte("Title\x00"+secret)),
		chunk("iTXt", []byte("Comment\x00\x00\x00\x00\x00"+secret)))
	if !bytes.Contains(withText, []byte(secret)) {
		t.Fatal("test PNG lacks its text chunk")
	}
	hugeHeader := testPNG(t, 4, 4)
	binary.BigEndian.PutUint32(hugeHeader[16:], 100000) // IHDR width
	binary.BigEndian.PutUint32(hugeHeader[20:], 100000) // IHDR height
	binary.BigEndian.PutUint32(hugeHeader[29:], crc32.ChecksumIEEE(hugeHeader[12:29]))

	kept, dropped := figures([]string{
		b64(withText),
		b64(append([]byte(pngSignature), "not a png at all"+secret...)),
		b64(hugeHeader),
		"!!! not base64",
	}, 4, 1<<20)
	if len(kept) != 1 || dropped != 3 {
		t.Fatalf("kept %d, dropped %d; want 1 and 3", len(kept), dropped)
	}
	if bytes.Contains(kept[0], []byte(secret)) || bytes.Contains(kept[0], []byte("tEXt")) || bytes.Contains(kept[0], []byte("iTXt")) {
		t.Error("a text chunk survived the re-encoding")
	}
	got, err := png.Decode(bytes.NewReader(kept[0]))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := png.Decode(bytes.NewReader(withText))
	if got.Bounds() != want.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := 0; y < 16; y++ {
		for x := 0; x < 32; x++ {
			r1, g1, b1, a1 := got.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel %d,%d changed", x, y)
			}
		}
	}
}

// TestFiguresPaletteDropped: palette entries that no pixel uses are not copied: the figure
// comes back as plain RGBA.
func TestFiguresPaletteDropped(t *testing.T) {
	secret := "palette-secret-0123456789abcdef" // 10 colours of 3 bytes, and a byte more
	pal := color.Palette{color.NRGBA{0, 0, 0, 255}}
	for i := 0; i+3 <= len(secret); i += 3 {
		pal = append(pal, color.NRGBA{secret[i], secret[i+1], secret[i+2], 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewPaletted(image.Rect(0, 0, 4, 4), pal)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte(secret[:30])) {
		t.Fatal("test PNG lacks the palette")
	}
	kept, _ := figures([]string{b64(b.Bytes())}, 4, 1<<20)
	if len(kept) != 1 || bytes.Contains(kept[0], []byte(secret[:6])) || bytes.Contains(kept[0], []byte("PLTE")) {
		t.Errorf("the palette came back: %d figures", len(kept))
	}
}

// TestFiguresDecodingBounded: a figure is decoded only within a per-figure and a per-call
// bound on decoded bytes, and none past the count: a frame of small files claiming large
// 16-bit images costs the server nothing.
func TestFiguresDecodingBounded(t *testing.T) {
	big16 := testPNG16(t, 2048, 2048) // 32 MiB of 16-bit pixels and 16 MiB drawn: over the per-figure bound
	var frame []string
	for range 18 {
		frame = append(frame, b64(big16))
	}
	if kept, dropped := figures(frame, 4, 1<<30); len(kept) != 0 || dropped != 18 {
		t.Errorf("16-bit 2048x2048: kept %d, dropped %d", len(kept), dropped)
	}
	// 1400x1400 RGBA: 7.8 MB decoded + 7.8 MB drawn; the per-call bound of 64 MiB holds four.
	mid := b64(testPNG(t, 1400, 1400))
	if kept, dropped := figures([]string{mid, mid, mid, mid, mid, mid}, 6, 1<<30); len(kept) != 4 || dropped != 2 {
		t.Errorf("1400x1400 RGBA: kept %d, dropped %d", len(kept), dropped)
	}
}

// testPNG16 encodes a w×h 16-bit image of one colour (a small file).
func testPNG16(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA64(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.NRGBA64{1, 2, 3, 0xffff}), image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestFiguresLimits(t *testing.T) {
	one := b64(testPNG(t, 8, 8))
	if kept, dropped := figures([]string{one, one, one}, 2, 1<<20); len(kept) != 2 || dropped != 1 {
		t.Errorf("count limit: kept %d, dropped %d", len(kept), dropped)
	}
	size := len(testPNG(t, 8, 8)) // the re-encoding is Go's, as in figures
	if kept, dropped := figures([]string{one, one, one}, 4, 2*size+size/2); len(kept) != 2 || dropped != 1 {
		t.Errorf("byte budget: kept %d, dropped %d", len(kept), dropped)
	}
}
