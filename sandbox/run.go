package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Status is how a run ended.
type Status string

// The statuses a run can end with.
const (
	StatusOK          Status = "ok"           // exit code 0
	StatusError       Status = "error"        // non-zero exit code (an exception, sys.exit(n))
	StatusTimeout     Status = "timeout"      // the wall-clock limit was hit and the container killed
	StatusOOM         Status = "oom"          // the kernel's OOM killer ended the code
	StatusOutputLimit Status = "output_limit" // the hard output limit was hit and the container killed
)

// Request is one snippet to run.
type Request struct {
	Code      string          // Python 3 source
	InputData json.RawMessage // JSON object exposed as INPUT_DATA; nil for None
	Timeout   time.Duration   // wall-clock limit from the moment the code is sent

	// Progress, if set, is called about once a second while the code runs, with up to
	// ProgressWindow bytes of the latest raw (unredacted) output of each stream.
	Progress       func(Progress)
	ProgressWindow int
}

// ProgressInterval is how often Request.Progress is called.
const ProgressInterval = time.Second

// Progress is a running call's state.
type Progress struct {
	Elapsed                  time.Duration
	Stdout, Stderr           []byte // the latest output, raw: redact before it leaves
	StdoutTotal, StderrTotal int64
}

// Result is what came out of one run. Output is raw (unredacted) and bounded.
type Result struct {
	Status    Status
	ExitCode  int // -1 when the process never reported one
	Stdout    Output
	Stderr    Output
	Result    json.RawMessage // the `result` global as JSON; nil when unset or not returned
	Duration  time.Duration   // from sending the code to the end of the run
	Container string          // the container's id
	Warm      bool            // the container came from the pool
	Images    [][]byte        // PNGs of the code's matplotlib figures, encoded anew by pycage
	// ImagesDropped counts the frame's images not returned: not a PNG, over the pixel bound,
	// or past the count or byte budget.
	ImagesDropped int
}

// Sandbox runs snippets in fresh containers, at most Config.Concurrency at a time. A
// container serves exactly one call and is then destroyed.
type Sandbox struct {
	cfg    Config
	engine Engine
	log    *slog.Logger
	sem    chan struct{}
	qMu    sync.Mutex
	qCalls int   // the calls waiting for sem, at most Config.MaxWaiting
	qBytes int   // their payload bytes, at most Config.MaxWaitingBytes (or one call's)
	pool   *pool // nil when Config.Pool is 0

	mu        sync.Mutex
	live      map[string]struct{} // containers created and not yet removed
	teardowns sync.WaitGroup      // background removals under way

	rtMu      sync.Mutex
	rtKnown   bool   // the engine's default runtime was asked
	rtDefault string // that default when it is gVisor, else ""
}

// New returns a Sandbox. It does not contact the engine; with a pool configured, call
// StartPool to begin filling it.
func New(cfg Config, engine Engine, log *slog.Logger) (*Sandbox, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("sandbox config: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Sandbox{
		cfg:    cfg,
		engine: engine,
		log:    log,
		sem:    make(chan struct{}, cfg.Concurrency),
		live:   map[string]struct{}{},
	}
	if cfg.Pool > 0 {
		s.pool = newPool(s, cfg.Pool, cfg.PoolMaxAge)
	}
	return s, nil
}

// Config returns the sandbox's configuration.
func (s *Sandbox) Config() Config { return s.cfg }

// Run runs one snippet in a container of its own. A cancelled ctx kills the container and
// returns ctx's error; infrastructure faults return an error (often a *HintError); everything
// the code itself did is in the Result. Run returns as soon as the result is known; the
// container is removed in the background (Close waits for that).
func (s *Sandbox) Run(ctx context.Context, req Request) (Result, error) {
	if err := s.acquire(ctx, len(req.Code)+len(req.InputData)); err != nil {
		return Result{ExitCode: -1}, err
	}
	defer func() { <-s.sem }()
	c, warm, err := s.take(ctx)
	if err != nil {
		return Result{ExitCode: -1}, err
	}
	defer s.release(ctx, c) // also on a panic: the container never outlives its call
	res, err := s.execute(ctx, c, req)
	res.Warm = warm
	return res, err
}

// acquire takes one of the Concurrency slots for a call of weight payload bytes, waiting in a
// queue of at most MaxWaiting calls and MaxWaitingBytes bytes (a call of its own is let wait
// whatever its size); a call that finds the queue full is refused with ErrBusy instead.
func (s *Sandbox) acquire(ctx context.Context, weight int) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	default:
	}
	s.qMu.Lock()
	switch {
	case s.qCalls >= s.cfg.MaxWaiting:
		s.qMu.Unlock()
		return fmt.Errorf("%w: %d call(s) run and %d wait for a sandbox, as many as this server queues; retry once one of your calls has returned",
			ErrBusy, s.cfg.Concurrency, s.cfg.MaxWaiting)
	case s.qBytes > 0 && s.qBytes+weight > s.cfg.MaxWaitingBytes:
		s.qMu.Unlock()
		return fmt.Errorf("%w: %d call(s) run and the waiting ones hold %d MiB of code and input_data, as much as this server queues; retry once one of your calls has returned",
			ErrBusy, s.cfg.Concurrency, s.cfg.MaxWaitingBytes>>20)
	}
	s.qCalls, s.qBytes = s.qCalls+1, s.qBytes+weight
	s.qMu.Unlock()
	defer func() {
		s.qMu.Lock()
		s.qCalls, s.qBytes = s.qCalls-1, s.qBytes-weight
		s.qMu.Unlock()
	}()
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for a free slot: %w", context.Cause(ctx))
	}
}

// take returns a started container: a pooled one if one is ready, else a new one.
func (s *Sandbox) take(ctx context.Context) (*started, bool, error) {
	if s.pool != nil {
		if c := s.pool.get(ctx); c != nil {
			return c, true, nil
		}
	}
	c, err := s.start(ctx)
	return c, false, err
}

// execute sends the payload to a started container and waits for the end of the run: the
// runner's frames on both streams (the fast path), or the container's exit, a limit, or ctx.
func (s *Sandbox) execute(ctx context.Context, c *started, req Request) (Result, error) {
	res := Result{ExitCode: -1, Container: c.id}
	in, err := encodePayload(payload{Marker: c.marker, Code: req.Code, InputData: req.InputData,
		ResultLimit: s.cfg.ResultLimit, MaxImages: s.cfg.MaxImages, ImageBudget: s.cfg.ImageBudget})
	if err != nil {
		return res, err
	}
	begin := time.Now()
	go func() {
		// A container that dies before reading the payload makes this fail; the end of the
		// run is then seen on the wait channel.
		if _, err := c.conn.Conn.Write(in); err == nil {
			c.conn.CloseWrite()
		}
	}()
	timer := time.NewTimer(req.Timeout)
	defer timer.Stop()
	var tick <-chan time.Time
	if req.Progress != nil {
		t := time.NewTicker(ProgressInterval)
		defer t.Stop()
		tick = t.C
	}

	var (
		exited, drained  bool
		outSeen, errSeen bool
		killed           Status
		exitCode         = -1
		outDone, errDone = c.outFrames.done, c.errFrames.done
		exceeded         = c.budget.exceeded
	)
	for !(exited && drained) && !(outSeen && errSeen && killed == "") {
		select {
		case <-outDone:
			outSeen, outDone = true, nil
		case <-errDone:
			errSeen, errDone = true, nil
		case w := <-c.waitC:
			exited, exitCode = true, int(w.StatusCode)
		case err := <-c.waitErr:
			if ctx.Err() == nil {
				return res, s.cfg.engineError("wait for container", err)
			}
		case <-c.streamDone:
			drained = true
		case <-exceeded:
			exceeded = nil // fires once
			if killed == "" {
				killed = StatusOutputLimit
				s.kill(ctx, c.id)
				timer.Reset(s.cfg.TimeoutGrace)
			}
		case <-timer.C:
			if killed != "" {
				// Killed, and the engine has not reported the end within the grace.
				return res, s.cfg.engineError("stop container", errors.New("container did not stop after kill"))
			}
			killed = StatusTimeout
			s.kill(ctx, c.id)
			timer.Reset(s.cfg.TimeoutGrace)
		case <-tick:
			p := Progress{Elapsed: time.Since(begin)}
			p.Stdout, p.StdoutTotal = c.stdout.recent(req.ProgressWindow)
			p.Stderr, p.StderrTotal = c.stderr.recent(req.ProgressWindow)
			req.Progress(p)
		case <-ctx.Done():
			return res, fmt.Errorf("run cancelled: %w", context.Cause(ctx))
		}
	}
	res.Duration = time.Since(begin)
	if killed == "" && exceeded != nil {
		select {
		case <-exceeded:
			// The code wrote past the hard limit and finished before the kill: the frames and
			// the limit arrived together, and the select above may have taken the frames first.
			killed = StatusOutputLimit
		default:
		}
	}
	if !drained {
		// The frames arrived on both streams: everything the runner wrote before them is in.
		// Stop the demultiplexer so the captures can be read.
		c.conn.Close()
		<-c.streamDone
	}
	c.outFrames.flush()
	c.errFrames.flush()
	res.Stdout, res.Stderr = c.stdout.output(), c.stderr.output()
	fr, framed := c.outFrames.last()
	if framed && killed == "" {
		res.Result = fr.Result
		res.Images, res.ImagesDropped = figures(fr.Images, s.cfg.MaxImages, s.cfg.ImageBudget)
		if !exited {
			exitCode = fr.ExitCode
		}
	}
	res.ExitCode = exitCode
	switch {
	case killed != "":
		res.Status = killed
	case exited && !framed && s.oomKilled(ctx, c.id, exitCode):
		res.Status = StatusOOM
	case exitCode == 0:
		res.Status = StatusOK
	default:
		res.Status = StatusError
	}
	return res, nil
}
