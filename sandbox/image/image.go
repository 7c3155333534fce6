// Package image builds pycage's Python images offline from Debian packages: mmdebstrap writes a
// minimal bookworm root file system as a tar stream, and the engine imports it. It trusts the
// Debian archive (signed packages, checked by mmdebstrap) and the engine. An image carries a
// label with a hash of its recipe, so an up-to-date image is not rebuilt.
package image

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	dimage "github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// LabelRecipe holds the hash of the recipe an image was built from.
const LabelRecipe = "io.pycage.recipe"

// LabelFlavor names the flavor an image was built as.
const LabelFlavor = "io.pycage.flavor"

// recipeVersion changes whenever the build steps below change in a way the hash would not see.
const recipeVersion = "3"

// Engine is the part of the Docker engine API an image build uses.
type Engine interface {
	ImageInspect(ctx context.Context, imageID string, opts ...client.ImageInspectOption) (dimage.InspectResponse, error)
	ImageImport(ctx context.Context, source dimage.ImportSource, ref string, options dimage.ImportOptions) (io.ReadCloser, error)
}

var _ Engine = (*client.Client)(nil)

// Recipe describes one image flavor.
type Recipe struct {
	Flavor   string   // e.g. "python"
	Ref      string   // the image reference to tag, e.g. pycage/python:3.11
	Suite    string   // Debian suite
	Packages []string // Debian packages on top of minbase
	Contents string   // what code can import, in a phrase for the model
	// Purge are packages removed after the install although others depend on them: dead
	// weight the flavor's modules never load (compilers and headers pulled in by
	// python3-fonttools' dependency on scipy and sympy, for instance).
	Purge []string
}

// Flavors are the recipes `pycage image build --flavor` knows.
var Flavors = map[string]Recipe{
	"python": {Flavor: "python", Ref: "pycage/python:3.11", Suite: "bookworm", Packages: []string{"python3"},
		Contents: "Python 3.11 with the standard library only (numpy, pandas, matplotlib and other third-party packages are not installed)"},
	"datascience": {Flavor: "datascience", Ref: "pycage/python:3.11-datascience", Suite: "bookworm",
		Packages: []string{"python3", "python3-numpy", "python3-pandas", "python3-matplotlib"},
		Contents: "Python 3.11 with the standard library, numpy, pandas and matplotlib",
		Purge: []string{"python3-sympy", "python3-mpmath", "python3-scipy", "python3-pythran", "python3-beniget",
			"python3-gast", "python3-lxml", "python3-dev", "python3-all-dev", "python3.11-dev", "libpython3.11-dev",
			"libpython3-dev", "libpython3-all-dev", "gcc", "gcc-12", "g++", "g++-12", "cpp", "cpp-12", "libgcc-12-dev",
			"libstdc++-12-dev", "libc6-dev", "linux-libc-dev", "libasan8", "libtsan2", "liblsan0", "libubsan1",
			"libcc1-0", "libisl23", "libmpc3", "libmpfr6", "binutils", "binutils-common", "binutils-x86-64-linux-gnu",
			"libbinutils", "libctf0", "libctf-nobfd0", "libgprofng0", "libjansson4", "libcrypt-dev", "libnsl-dev",
			"libtirpc-dev", "rpcsvc-proto", "libexpat1-dev", "zlib1g-dev", "libjs-jquery-ui", "libjs-jquery"}},
}

// BuildHint says how to get the image ref: the build command of the flavor it names, or, for
// an image pycage has no recipe for, what it must hold.
func BuildHint(ref string) string {
	for _, r := range Flavors {
		if r.Ref != ref {
			continue
		}
		if r.Flavor == "python" {
			return "run `pycage image build` (or `make image`)"
		}
		return "run `pycage image build --flavor " + r.Flavor + "`"
	}
	return fmt.Sprintf("build or tag an image %s that has python3, or unset PYCAGE_IMAGE to use pycage's own (`pycage image build`)", ref)
}

// excluded paths are never unpacked: documentation, manuals and translations are dead weight
// in a sandbox.
var excluded = []string{
	"/usr/share/doc/*", "/usr/share/man/*", "/usr/share/info/*", "/usr/share/locale/*",
	"/usr/share/lintian/*", "/usr/share/common-licenses/*",
}

// changes are applied to the imported file system: a non-root default user and a sane env.
var changes = []string{
	"USER 65534:65534",
	"WORKDIR /tmp",
	"ENV LANG=C.UTF-8",
	"ENV PATH=/usr/local/bin:/usr/bin:/bin",
	`CMD ["python3"]`,
}

// args returns mmdebstrap's arguments; the tar goes to stdout.
func (r Recipe) args() []string {
	pkgs := append([]string(nil), r.Packages...)
	sort.Strings(pkgs)
	a := []string{"--variant=minbase", "--include=" + strings.Join(pkgs, ","), "--aptopt=APT::Install-Recommends \"false\""}
	for _, p := range excluded {
		a = append(a, "--dpkgopt=path-exclude="+p)
	}
	a = append(a,
		`--customize-hook=chroot "$1" ln -sf python3 /usr/bin/python`,
		// The byte-compiled modules Debian's postinst wrote stay: without them every import
		// compiles from source on each call (the root is read-only, nothing is cached).
		`--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*`)
	if len(r.Purge) > 0 {
		// Only what is installed, so a package missing from a later suite does not fail.
		a = append(a, `--customize-hook=chroot "$1" sh -c 'dpkg-query -W -f "\${Package}\n" `+strings.Join(r.Purge, " ")+
			` 2>/dev/null | xargs -r dpkg --purge --force-depends >/dev/null'`)
	}
	a = append(a, r.Suite, "-")
	return a
}

// HasMatplotlib reports whether the flavor's code can draw figures.
func (r Recipe) HasMatplotlib() bool { return slices.Contains(r.Packages, "python3-matplotlib") }

// Hash identifies the recipe: the same hash means the same build.
func (r Recipe) Hash() string {
	h := sha256.New()
	fmt.Fprintln(h, recipeVersion)
	for _, a := range r.args() {
		fmt.Fprintln(h, a)
	}
	for _, c := range changes {
		fmt.Fprintln(h, c)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Current reports whether ref exists and carries this recipe's hash.
func Current(ctx context.Context, e Engine, r Recipe) (bool, error) {
	info, err := e.ImageInspect(ctx, r.Ref)
	if errdefs.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("inspect image %s: %w", r.Ref, err)
	}
	return info.Config != nil && info.Config.Labels[LabelRecipe] == r.Hash(), nil
}

// Build builds the image unless it is current (force builds anyway). Progress goes to log.
// It returns whether a build happened.
func Build(ctx context.Context, e Engine, r Recipe, force bool, log io.Writer) (bool, error) {
	if !force {
		ok, err := Current(ctx, e, r)
		if err != nil {
			return false, err
		}
		if ok {
			fmt.Fprintf(log, "image %s is up to date (recipe %s)\n", r.Ref, r.Hash())
			return false, nil
		}
	}
	if _, err := exec.LookPath("mmdebstrap"); err != nil {
		return false, errors.New("mmdebstrap not found: install it with `apt-get install mmdebstrap` (Debian/Ubuntu)")
	}
	start := time.Now()
	fmt.Fprintf(log, "building %s from Debian %s packages: %s\n", r.Ref, r.Suite, strings.Join(r.Packages, " "))
	cmd := exec.CommandContext(ctx, "mmdebstrap", r.args()...)
	cmd.Stderr = log
	tar, err := cmd.StdoutPipe()
	if err != nil {
		return false, fmt.Errorf("mmdebstrap: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return false, fmt.Errorf("start mmdebstrap: %w", err)
	}
	opts := dimage.ImportOptions{Changes: append(append([]string(nil), changes...),
		fmt.Sprintf("LABEL %s=%s %s=%s", LabelRecipe, r.Hash(), LabelFlavor, r.Flavor)),
		Message: "pycage image build " + r.Flavor}
	resp, importErr := e.ImageImport(ctx, dimage.ImportSource{Source: tar, SourceName: "-"}, r.Ref, opts)
	if importErr == nil {
		importErr = readImportStream(resp)
		resp.Close()
	}
	io.Copy(io.Discard, tar) // let mmdebstrap finish if the import stopped reading
	if err := cmd.Wait(); err != nil {
		return false, fmt.Errorf("mmdebstrap: %w", err)
	}
	if importErr != nil {
		return false, fmt.Errorf("import image %s: %w", r.Ref, importErr)
	}
	info, err := e.ImageInspect(ctx, r.Ref)
	if err != nil {
		return false, fmt.Errorf("inspect built image: %w", err)
	}
	fmt.Fprintf(log, "built %s in %s: %d MB (recipe %s)\n", r.Ref, time.Since(start).Round(time.Second), info.Size/1e6, r.Hash())
	return true, nil
}

// readImportStream reads the engine's JSON progress stream and returns the first error in it.
func readImportStream(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var msg struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) == nil && msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
	return sc.Err()
}
