package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/sandbox/image"
)

func cmdImage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "build" {
		return usageError("usage: pycage image build [--flavor NAME] [--force] [--tag REF]")
	}
	fs := flag.NewFlagSet("pycage image build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	names := make([]string, 0, len(image.Flavors))
	for n := range image.Flavors {
		names = append(names, n)
	}
	sort.Strings(names)
	flavor := fs.String("flavor", "python", "image flavor: "+strings.Join(names, ", "))
	force := fs.Bool("force", false, "rebuild even when the image carries the current recipe")
	tag := fs.String("tag", "", "image reference to build (default: the flavor's, e.g. "+sandbox.DefaultImage+")")
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return &exitError{code: 0}
		}
		return &exitError{code: exitUsage}
	}
	r, ok := image.Flavors[*flavor]
	if !ok {
		return usageError("unknown flavor %q (known: %s)", *flavor, strings.Join(names, ", "))
	}
	if *tag != "" {
		r.Ref = *tag
	}
	cli, err := sandbox.NewClient()
	if err != nil {
		return &exitError{code: exitInfra, err: fmt.Errorf("docker client: %w", err)}
	}
	defer cli.Close()
	if _, err := image.Build(ctx, cli, r, *force, stderr); err != nil {
		return &exitError{code: exitInfra, err: err}
	}
	fmt.Fprintln(stdout, r.Ref)
	return nil
}
