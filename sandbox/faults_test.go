package sandbox

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/system"
	"github.com/docker/docker/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// fakeEngine is a hand-written Engine: each call does what its function field says, and the
// removals are recorded.
type fakeEngine struct {
	create  func() (container.CreateResponse, error)
	attach  func() (types.HijackedResponse, error)
	start   func() error
	inspect func() (container.InspectResponse, error)                                   // nil: not found
	info    func() (system.Info, error)                                                 // nil: runc is the default
	remove  func() error                                                                // nil: the removal succeeds
	waitFor func(container.WaitCondition) (<-chan container.WaitResponse, <-chan error) // nil: never answers

	mu      sync.Mutex
	removed []string
	hosts   []*container.HostConfig // of every create
}

func (f *fakeEngine) ContainerCreate(_ context.Context, _ *container.Config, hc *container.HostConfig, _ *network.NetworkingConfig, _ *ocispec.Platform, _ string) (container.CreateResponse, error) {
	f.mu.Lock()
	f.hosts = append(f.hosts, hc)
	f.mu.Unlock()
	return f.create()
}
func (f *fakeEngine) ContainerAttach(context.Context, string, container.AttachOptions) (types.HijackedResponse, error) {
	return f.attach()
}
func (f *fakeEngine) ContainerStart(context.Context, string, container.StartOptions) error {
	return f.start()
}
func (f *fakeEngine) ContainerWait(_ context.Context, _ string, cond container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
	if f.waitFor != nil {
		return f.waitFor(cond)
	}
	return make(chan container.WaitResponse), make(chan error)
}
func (f *fakeEngine) ContainerKill(context.Context, string, string) error { return nil }
func (f *fakeEngine) ContainerRemove(_ context.Context, id string, _ container.RemoveOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, id)
	if f.remove != nil {
		return f.remove()
	}
	return nil
}
func (f *fakeEngine) ContainerInspect(context.Context, string) (container.InspectResponse, error) {
	if f.inspect != nil {
		return f.inspect()
	}
	return container.InspectResponse{}, errdefs.ErrNotFound
}
func (f *fakeEngine) ContainerList(context.Context, container.ListOptions) ([]container.Summary, error) {
	return nil, nil
}

func (f *fakeEngine) Info(context.Context) (system.Info, error) {
	if f.info != nil {
		return f.info()
	}
	return system.Info{DefaultRuntime: "runc"}, nil
}

func (f *fakeEngine) Events(context.Context, events.ListOptions) (<-chan events.Message, <-chan error) {
	return make(chan events.Message), make(chan error)
}

func testConfig() Config {
	c := DefaultConfig()
	c.Instance = "fault-test"
	c.EngineTimeout = time.Second
	return c
}

// TestEngineFaultsLeaveNoContainer: whichever step fails after the create, the container is
// removed and the error names the step.
func TestEngineFaultsLeaveNoContainer(t *testing.T) {
	created := func() (container.CreateResponse, error) { return container.CreateResponse{ID: "c1"}, nil }
	boom := errors.New("boom")
	tests := []struct {
		name       string
		eng        *fakeEngine
		wantOp     string
		wantRemove bool
	}{
		{"create fails", &fakeEngine{create: func() (container.CreateResponse, error) { return container.CreateResponse{}, boom }}, "create container", false},
		{"create fails midway with an id", &fakeEngine{create: func() (container.CreateResponse, error) { return container.CreateResponse{ID: "c1"}, boom }}, "create container", true},
		{"image missing", &fakeEngine{create: func() (container.CreateResponse, error) {
			return container.CreateResponse{}, errdefs.ErrNotFound.WithMessage("No such image")
		}}, "pycage image build", false},
		{"attach fails", &fakeEngine{create: created, attach: func() (types.HijackedResponse, error) { return types.HijackedResponse{}, boom }}, "attach container", true},
		{"start fails", &fakeEngine{create: created, attach: func() (types.HijackedResponse, error) {
			a, b := net.Pipe()
			go b.Close()
			return types.NewHijackedResponse(a, ""), nil
		}, start: func() error { return boom }}, "start container", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(testConfig(), tc.eng, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Run(context.Background(), Request{Code: "print(1)", Timeout: time.Second})
			var he *HintError
			if !errors.As(err, &he) || !strings.Contains(err.Error(), tc.wantOp) {
				t.Fatalf("err %v, want a HintError about %q", err, tc.wantOp)
			}
			s.Close(context.Background())
			if got := len(tc.eng.removed) > 0; got != tc.wantRemove {
				t.Errorf("removed %v, want removal %v", tc.eng.removed, tc.wantRemove)
			}
			if len(s.live) != 0 {
				t.Errorf("still tracked: %v", s.live)
			}
		})
	}
}

func TestPanicAfterCreateRemovesTheContainer(t *testing.T) {
	eng := &fakeEngine{
		create: func() (container.CreateResponse, error) { return container.CreateResponse{ID: "c1"}, nil },
		attach: func() (types.HijackedResponse, error) { panic("engine client bug") },
	}
	s, _ := New(testConfig(), eng, nil)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed")
			}
		}()
		s.Run(context.Background(), Request{Code: "print(1)", Timeout: time.Second})
	}()
	if len(eng.removed) != 1 {
		t.Errorf("removed %v after a panic", eng.removed)
	}
}

// TestTeardownWaitsForRemovalInProgress: when another server's sweep is already removing the
// container, teardown returns only once the engine reports it removed (or gone), so a sweep's
// "removed" means no longer listed. Under gVisor that removal takes a second or more.
func TestTeardownWaitsForRemovalInProgress(t *testing.T) {
	for _, ending := range []string{"removed", "not found", "that removal failed"} {
		t.Run(ending, func(t *testing.T) {
			asked := make(chan container.WaitCondition, 1)
			waitC, errC := make(chan container.WaitResponse, 1), make(chan error, 1)
			eng := &fakeEngine{
				remove: func() error {
					return errors.New("Error response from daemon: removal of container c1 is already in progress")
				},
				waitFor: func(cond container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
					asked <- cond
					return waitC, errC
				},
			}
			s, _ := New(testConfig(), eng, nil)
			s.track("c1")
			done := make(chan struct{})
			go func() { s.teardown(context.Background(), "c1"); close(done) }()
			select {
			case cond := <-asked:
				if cond != container.WaitConditionRemoved {
					t.Fatalf("waited for %q, want %q", cond, container.WaitConditionRemoved)
				}
			case <-done:
				t.Fatal("teardown returned without waiting for the removal under way")
			}
			select {
			case <-done:
				t.Fatal("teardown returned while the other removal was still under way")
			default:
			}
			switch ending {
			case "removed":
				waitC <- container.WaitResponse{}
			case "not found":
				errC <- errdefs.ErrNotFound
			default:
				waitC <- container.WaitResponse{Error: &container.WaitExitError{Message: "driver failed to remove root filesystem"}}
			}
			<-done
			s.mu.Lock()
			defer s.mu.Unlock()
			_, tracked := s.live["c1"]
			if want := ending == "that removal failed"; tracked != want {
				t.Errorf("still tracked: %v, want %v (a container whose removal failed is still there)", tracked, want)
			}
		})
	}
}

// TestStalledEngine: an engine that accepts connections and never answers gives a clear error
// within the engine deadline instead of a hang.
func TestStalledEngine(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "stalled.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // read nothing, answer nothing
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	cli, err := client.NewClientWithOpts(client.WithHost("unix://"+sock), client.WithVersion("1.41"))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	s, _ := New(testConfig(), cli, nil)
	start := time.Now()
	_, err = s.Run(context.Background(), Request{Code: "print(1)", Timeout: time.Second})
	if !errors.Is(err, ErrEngine) || !strings.Contains(err.Error(), "fix:") {
		t.Fatalf("err %v, want ErrEngine with a fix", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("stalled engine held the call for %s", took)
	}
}

func TestUnreachableEngine(t *testing.T) {
	cli, err := client.NewClientWithOpts(client.WithHost("unix:///nonexistent/docker.sock"), client.WithVersion("1.41"))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := New(testConfig(), cli, nil)
	_, err = s.Run(context.Background(), Request{Code: "print(1)", Timeout: time.Second})
	if !errors.Is(err, ErrEngine) || !strings.Contains(err.Error(), "start the Docker engine") {
		t.Fatalf("err %v", err)
	}
}

// TestOutputLimitWinsOverFrames: a run whose output passed the hard limit is output_limit even
// when its frames are there in the same instant (under gVisor the code finishes writing before
// the kill lands, and the select may take the frames first). Deterministic: everything is ready
// before execute looks.
func TestOutputLimitWinsOverFrames(t *testing.T) {
	for i := 0; i < 50; i++ {
		s, _ := New(testConfig(), &fakeEngine{}, nil)
		a, b := net.Pipe()
		exit := make(chan container.WaitResponse, 1)
		exit <- container.WaitResponse{StatusCode: 137} // the kill, if execute sends one, lands
		go io.Copy(io.Discard, b)
		c := &started{id: "c1", marker: newMarker(), conn: types.NewHijackedResponse(a, ""),
			waitC: exit, waitErr: make(chan error), stop: func() {},
			stdout: newCapture(64, 64), stderr: newCapture(64, 64), budget: newBudget(1), streamDone: make(chan error, 1)}
		c.outFrames = newFrameSplitter(c.stdout, c.marker, 1024)
		c.errFrames = newFrameSplitter(c.stderr, c.marker, 64)
		io.WriteString(c.outFrames, c.marker+`{"exit_code":0}`+"\n")
		io.WriteString(c.errFrames, c.marker+"{}\n")
		(limited{c.outFrames, c.budget}).Write([]byte("xx")) // over the budget of 1 byte
		c.streamDone <- nil
		res, err := s.execute(context.Background(), c, Request{Code: "print(1)", Timeout: time.Minute})
		if err != nil || res.Status != StatusOutputLimit {
			t.Fatalf("try %d: status %q err %v", i, res.Status, err)
		}
		b.Close()
	}
}

// TestOOMLookupHasItsOwnDeadline: under gVisor a SIGKILLed sandbox's OOM is looked up in the
// engine's event log; an engine whose event stream neither sends nor fails does not hold the
// call past oomSettle.
func TestOOMLookupHasItsOwnDeadline(t *testing.T) {
	eng := &fakeEngine{inspect: func() (container.InspectResponse, error) {
		return container.InspectResponse{ContainerJSONBase: &container.ContainerJSONBase{
			State: &container.State{ExitCode: 137, StartedAt: "2026-12-04T00:00:00Z"}}}, nil
	}}
	cfg := testConfig()
	cfg.Runtime = "runsc"
	s, err := New(cfg, eng, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	go func() { done <- s.oomKilled(context.Background(), "c1", 137) }()
	select {
	case oom := <-done:
		if oom {
			t.Error("an event stream that said nothing reported an OOM")
		}
	case <-time.After(oomSettle + 5*time.Second):
		t.Fatal("the OOM lookup did not end after its deadline")
	}
}

// TestEngineDefaultGVisor: with no PYCAGE_RUNTIME and an engine whose default runtime is
// runsc, containers get the gVisor task limits all the same (a pids limit sized for the
// code alone would kill the Sentry); with runc as the default, nothing changes.
func TestEngineDefaultGVisor(t *testing.T) {
	for _, tc := range []struct {
		def     string
		runtime string
		pids    int64
		nproc   bool
	}{
		{"runsc", "runsc", CgroupPidsLimit("runsc", DefaultPids), true},
		{"runc", "", DefaultPids, false},
	} {
		t.Run(tc.def, func(t *testing.T) {
			eng := &fakeEngine{
				info:   func() (system.Info, error) { return system.Info{DefaultRuntime: tc.def}, nil },
				create: func() (container.CreateResponse, error) { return container.CreateResponse{}, errors.New("stop here") },
			}
			s, err := New(testConfig(), eng, nil)
			if err != nil {
				t.Fatal(err)
			}
			s.create(context.Background())
			hc := eng.hosts[0]
			nproc := false
			for _, u := range hc.Ulimits {
				nproc = nproc || u.Name == "nproc"
			}
			if hc.Runtime != tc.runtime || *hc.PidsLimit != tc.pids || nproc != tc.nproc {
				t.Errorf("runtime %q pids %d nproc ulimit %v", hc.Runtime, *hc.PidsLimit, nproc)
			}
		})
	}
}

// waiting returns how many calls wait for a slot.
func (s *Sandbox) waiting() int {
	s.qMu.Lock()
	defer s.qMu.Unlock()
	return s.qCalls
}

// blockingCreate returns an engine whose creates each signal creating, then block until
// release is closed and fail.
func blockingCreate() (*fakeEngine, <-chan struct{}, chan struct{}) {
	release := make(chan struct{})
	creating := make(chan struct{}, 8)
	eng := &fakeEngine{create: func() (container.CreateResponse, error) {
		creating <- struct{}{}
		<-release
		return container.CreateResponse{}, errors.New("engine gone")
	}}
	return eng, creating, release
}

// TestWaitingCallsAreBounded: with every slot taken and MaxWaiting calls waiting, the next call
// is refused at once with ErrBusy; a waiting call that is cancelled frees its place.
func TestWaitingCallsAreBounded(t *testing.T) {
	eng, creating, release := blockingCreate()
	cfg := testConfig()
	cfg.Concurrency, cfg.MaxWaiting = 1, 2
	s, _ := New(cfg, eng, nil)
	req := Request{Code: "print(1)", Timeout: time.Second}
	results := make(chan error, 4)
	go func() { _, err := s.Run(context.Background(), req); results <- err }()
	<-creating // the one slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, err := s.Run(ctx, req); results <- err }()
	go func() { _, err := s.Run(context.Background(), req); results <- err }()
	for s.waiting() < 2 { // both wait: nothing to wait on but the queue itself
		time.Sleep(time.Millisecond)
	}
	if _, err := s.Run(context.Background(), req); !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "1 call(s) run and 2 wait") {
		t.Fatalf("a call past the queue: %v, want ErrBusy at once", err)
	}
	cancel()
	if err := <-results; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled waiting call: %v", err)
	}
	for s.waiting() > 1 {
		time.Sleep(time.Millisecond)
	}
	go func() { _, err := s.Run(context.Background(), req); results <- err }() // takes the freed place
	for s.waiting() < 2 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	for range 3 {
		if err := <-results; errors.Is(err, ErrBusy) || err == nil {
			t.Errorf("a call that waited: %v, want the engine's error", err)
		}
	}
}

// TestWaitingBytesAreBounded: the waiting calls' code and input_data together stay within
// MaxWaitingBytes (a decoded request holds several times its payload while it waits); a call
// larger than the budget may still wait when it waits alone.
func TestWaitingBytesAreBounded(t *testing.T) {
	eng, creating, release := blockingCreate()
	cfg := testConfig()
	cfg.Concurrency, cfg.MaxWaiting, cfg.MaxWaitingBytes = 1, 10, 100
	s, _ := New(cfg, eng, nil)
	sized := func(n int) Request { return Request{Code: strings.Repeat("x", n), Timeout: time.Second} }
	results := make(chan error, 8)
	run := func(req Request) { _, err := s.Run(context.Background(), req); results <- err }
	go run(sized(10))
	<-creating
	go run(sized(500)) // alone in the queue: it waits, over the budget as it is
	for s.waiting() < 1 {
		time.Sleep(time.Millisecond)
	}
	if _, err := s.Run(context.Background(), sized(1)); !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "code and input_data") {
		t.Fatalf("a call past the waiting bytes: %v, want ErrBusy", err)
	}
	close(release)
	for range 2 {
		if err := <-results; errors.Is(err, ErrBusy) || err == nil {
			t.Errorf("a call let in: %v, want the engine's error", err)
		}
	}
	s.qMu.Lock()
	defer s.qMu.Unlock()
	if s.qBytes != 0 {
		t.Errorf("%d waiting bytes left counted", s.qBytes)
	}
}
