package image

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	dimage "github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// fakeEngine answers ImageInspect with labels and records imports.
type fakeEngine struct {
	labels  map[string]string // nil: image not found
	imports int
}

func (f *fakeEngine) ImageInspect(ctx context.Context, ref string, _ ...client.ImageInspectOption) (dimage.InspectResponse, error) {
	if f.labels == nil {
		return dimage.InspectResponse{}, errdefs.ErrNotFound.WithMessage("no such image: " + ref)
	}
	return dimage.InspectResponse{Config: &dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{Labels: f.labels}}}, nil
}

func (f *fakeEngine) ImageImport(ctx context.Context, src dimage.ImportSource, ref string, opts dimage.ImportOptions) (io.ReadCloser, error) {
	f.imports++
	return nil, errors.New("import not expected in this test")
}

func TestCurrentImageIsNotRebuilt(t *testing.T) {
	r := Flavors["python"]
	e := &fakeEngine{labels: map[string]string{LabelRecipe: r.Hash()}}
	var log bytes.Buffer
	built, err := Build(context.Background(), e, r, false, &log)
	if err != nil || built || e.imports != 0 || !strings.Contains(log.String(), "up to date") {
		t.Errorf("built %v err %v imports %d log %q", built, err, e.imports, log.String())
	}
}

func TestCurrent(t *testing.T) {
	r := Flavors["python"]
	for name, tc := range map[string]struct {
		labels map[string]string
		want   bool
	}{
		"missing":    {nil, false},
		"stale":      {map[string]string{LabelRecipe: "0000"}, false},
		"unlabelled": {map[string]string{}, false},
		"current":    {map[string]string{LabelRecipe: r.Hash()}, true},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Current(context.Background(), &fakeEngine{labels: tc.labels}, r)
			if err != nil || got != tc.want {
				t.Errorf("got %v %v", got, err)
			}
		})
	}
}

func TestRecipe(t *testing.T) {
	py, ds := Flavors["python"], Flavors["datascience"]
	if py.Hash() == ds.Hash() || py.Hash() != Flavors["python"].Hash() {
		t.Error("hash is not a stable function of the recipe")
	}
	args := strings.Join(py.args(), " ")
	for _, want := range []string{"--variant=minbase", "--include=python3", "path-exclude=/usr/share/doc/*", "ln -sf python3 /usr/bin/python", "bookworm -"} {
		if !strings.Contains(args, want) {
			t.Errorf("mmdebstrap args lack %q: %s", want, args)
		}
	}
	if !strings.Contains(strings.Join(changes, " "), "USER 65534:65534") {
		t.Error("image does not default to a non-root user")
	}
}
