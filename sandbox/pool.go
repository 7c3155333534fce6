package sandbox

import (
	"context"
	"sync/atomic"
	"time"
)

// pool keeps started containers ready, their runners blocked on stdin, so a call skips the
// engine's create and start. A pooled container still serves exactly one call; the pool
// refills in the background and replaces containers that idled past maxAge.
type pool struct {
	s      *Sandbox
	size   int
	maxAge time.Duration
	ready  chan *started
	wake   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	launched atomic.Bool
}

func newPool(s *Sandbox, size int, maxAge time.Duration) *pool {
	ctx, cancel := context.WithCancel(context.Background())
	return &pool{s: s, size: size, maxAge: maxAge, ready: make(chan *started, size),
		wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// StartPool begins filling the warm pool in the background; it is a no-op without a pool.
func (s *Sandbox) StartPool() {
	if s.pool != nil && s.pool.launched.CompareAndSwap(false, true) {
		go s.pool.fill()
	}
}

func (p *pool) started() bool { return p.launched.Load() }

// get returns a ready container, or nil when none is ready (the caller starts one itself).
func (p *pool) get(ctx context.Context) *started {
	defer p.poke()
	for {
		select {
		case c := <-p.ready:
			if p.usable(c) {
				return c
			}
			p.s.release(ctx, c)
		default:
			return nil
		}
	}
}

// usable reports whether a pooled container is young enough and its runner still waiting.
func (p *pool) usable(c *started) bool {
	if time.Since(c.born) > p.maxAge {
		return false
	}
	select {
	case <-c.waitC:
		return false
	case <-c.streamDone:
		return false
	case <-c.budget.exceeded:
		return false
	default:
		return true
	}
}

func (p *pool) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// fill keeps the pool full until stop. An engine failure backs off, up to 30 s between tries.
func (p *pool) fill() {
	defer close(p.done)
	backoff := 100 * time.Millisecond
	recycle := time.NewTicker(max(p.maxAge/4, time.Second))
	defer recycle.Stop()
	for {
		for len(p.ready) < p.size && p.ctx.Err() == nil {
			c, err := p.s.start(p.ctx)
			if err != nil {
				if p.ctx.Err() != nil {
					break
				}
				p.s.log.Warn("warm pool: start container", "err", err, "retry_in", backoff)
				select {
				case <-time.After(backoff):
				case <-p.ctx.Done():
				}
				backoff = min(backoff*2, 30*time.Second)
				continue
			}
			backoff = 100 * time.Millisecond
			p.ready <- c // only fill sends, and it checked the room
		}
		select {
		case <-p.wake:
		case <-recycle.C:
			p.recycle()
		case <-p.ctx.Done():
			p.drain()
			return
		}
	}
}

// recycle replaces containers that idled past maxAge (or died).
func (p *pool) recycle() {
	for n := len(p.ready); n > 0; n-- {
		select {
		case c := <-p.ready:
			if p.usable(c) {
				p.ready <- c
			} else {
				p.s.release(p.ctx, c)
			}
		default:
			return
		}
	}
}

func (p *pool) drain() {
	for {
		select {
		case c := <-p.ready:
			p.s.release(context.Background(), c)
		default:
			return
		}
	}
}

// stop ends the refill loop and removes the ready containers.
func (p *pool) stop() {
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(cleanupDeadline):
	}
}
