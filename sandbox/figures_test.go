package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
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
			if got.At(x, y) != want.At(x, y) {
				t.Fatalf("pixel %d,%d changed", x, y)
			}
		}
	}
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
