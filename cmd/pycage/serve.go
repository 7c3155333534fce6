package main

import (
	"context"
	"flag"
	"io"
	"log"
	"log/slog"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/mark3labs/mcp-go/server"

	"github.com/pycage/pycage/sandbox/image"
	"github.com/pycage/pycage/tools"
)

// stdioWorkers is how many requests the stdio server handles at once: every call that runs
// (PYCAGE_CONCURRENCY) or waits for a slot (sandbox.Config.MaxWaiting, past which calls are
// refused at once), and room for quick requests beside them. When all of mcp-go's workers
// block and its queue fills, it handles the next call inside its stdin reader, and a call that
// waits there stops pings, cancellations and EOF from being read.
func stdioWorkers(concurrency, maxWaiting int) int {
	return max(64, concurrency+maxWaiting+32)
}

func cmdServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pycage serve", flag.ContinueOnError)
	cfg, rest, err := parseConfig(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("%s takes no arguments, got %q", fs.Name(), rest)
	}
	a, err := newApp(cfg, stderr, slog.LevelInfo)
	if err != nil {
		return err
	}
	defer a.close()
	a.log.Info("pycage serving on stdio", "version", version, "image", cfg.Image, "policy", cfg.Policy,
		"pool", cfg.Pool, "warm_imports", strings.Join(cfg.WarmImports, ","), "concurrency", cfg.Concurrency, "host_secrets", len(a.secrets.all), "injected", len(a.secrets.inject))
	sweepCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	if n, err := a.sandbox.SweepOrphans(sweepCtx); err != nil {
		a.log.Warn("could not sweep containers of dead servers", "err", err)
	} else if n > 0 {
		a.log.Info("removed containers left by dead servers", "count", n)
	}
	cancel()
	a.pipeline.ImageFlavor = a.imageFlavor(ctx)
	a.sandbox.StartPool()

	s := tools.NewServer(a.pipeline, version)
	stdio := server.NewStdioServer(s)
	stdio.SetErrorLogger(log.New(slogWriter{a.log}, "", 0))
	sc := a.sandbox.Config()
	workers := stdioWorkers(sc.Concurrency, sc.MaxWaiting)
	server.WithWorkerPoolSize(workers)(stdio)
	server.WithQueueSize(workers * 4)(stdio)
	out := a.pipeline.NewSerialWriter(stdout)
	err = stdio.Listen(ctx, tools.LimitMessages(stdin, out, a.pipeline.MaxMessage(), a.pipeline.NoteCancel), out)
	if ctx.Err() != nil {
		a.log.Info("shutting down on signal")
		return nil
	}
	a.log.Info("stdin closed, shutting down")
	return err
}

// slogWriter adapts mcp-go's *log.Logger error output to slog (and so to the redactor).
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.log.Warn("mcp", "msg", string(p))
	return len(p), nil
}

// imageFlavor reads the image's pycage flavor label, which tells the model's instructions what
// the code can import. A missing image is worth a warning now: every call fails until it exists.
func (a *app) imageFlavor(ctx context.Context) string {
	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	info, err := a.docker.ImageInspect(ictx, a.cfg.Image)
	switch {
	case errdefs.IsNotFound(err):
		a.log.Warn("the sandbox image is missing: every call fails until it exists", "image", a.cfg.Image, "fix", image.BuildHint(a.cfg.Image))
		return ""
	case err != nil:
		a.log.Warn("could not inspect the sandbox image", "image", a.cfg.Image, "err", err)
		return ""
	case info.Config == nil:
		return ""
	}
	return info.Config.Labels[image.LabelFlavor]
}
