package sandbox

import (
	"io"
	"sync"
)

// Output is what one stream wrote, bounded: the first and the last bytes, and how many were
// written in all. When Total == len(Head)+len(Tail), Head and Tail are contiguous and nothing
// was dropped; otherwise Total-len(Head)-len(Tail) bytes between them were counted and dropped.
type Output struct {
	Head  []byte
	Tail  []byte
	Total int64
}

// Dropped is the number of bytes between Head and Tail that were not kept.
func (o Output) Dropped() int64 { return o.Total - int64(len(o.Head)) - int64(len(o.Tail)) }

// capture keeps the head and the tail of a stream in fixed memory and counts the rest. The
// demultiplexer writes while progress reports read, hence the lock.
type capture struct {
	mu               sync.Mutex
	headMax, tailMax int
	head             []byte
	tail             []byte // the last tailMax bytes live at the end of tail; it is compacted when it doubles
	total            int64
}

func newCapture(headMax, tailMax int) *capture {
	return &capture{headMax: headMax, tailMax: tailMax}
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	c.total += int64(n)
	if room := c.headMax - len(c.head); room > 0 {
		k := min(room, len(p))
		c.head = append(c.head, p[:k]...)
		p = p[k:]
	}
	if len(p) == 0 || c.tailMax == 0 {
		return n, nil
	}
	if len(p) >= c.tailMax {
		c.tail = append(c.tail[:0], p[len(p)-c.tailMax:]...)
		return n, nil
	}
	c.tail = append(c.tail, p...)
	if len(c.tail) >= 2*c.tailMax {
		c.tail = append(c.tail[:0], c.tail[len(c.tail)-c.tailMax:]...)
	}
	return n, nil
}

// recent returns (a copy of) the last n bytes kept, and the total written so far.
func (c *capture) recent(n int) ([]byte, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b []byte
	if c.total <= int64(len(c.head)+len(c.tail)) {
		b = append(append(b, c.head...), c.tail...) // contiguous
	} else {
		b = c.tail
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return append([]byte(nil), b...), c.total
}

// output returns the captured stream; the slices are copies.
func (c *capture) output() Output {
	c.mu.Lock()
	defer c.mu.Unlock()
	tail := c.tail
	if len(tail) > c.tailMax {
		tail = tail[len(tail)-c.tailMax:]
	}
	return Output{
		Head:  append([]byte(nil), c.head...),
		Tail:  append([]byte(nil), tail...),
		Total: c.total,
	}
}

// budget is the hard output limit shared by both streams of one run. The demultiplexer writes
// from a single goroutine, so left needs no lock; exceeded is closed once when the limit is hit.
type budget struct {
	left     int64
	exceeded chan struct{}
}

func newBudget(limit int64) *budget {
	return &budget{left: limit, exceeded: make(chan struct{})}
}

// limited counts bytes against a budget before passing them on. Past the budget it keeps what
// fit, signals exceeded, and from then on discards: the stream must still be drained, or the
// engine blocks on the full pipe and cannot even kill the container.
type limited struct {
	w io.Writer
	b *budget
}

func (l limited) Write(p []byte) (int, error) {
	if l.b.left < 0 {
		return len(p), nil
	}
	if int64(len(p)) > l.b.left {
		l.w.Write(p[:l.b.left])
		l.b.left = -1
		close(l.b.exceeded)
		return len(p), nil
	}
	l.b.left -= int64(len(p))
	return l.w.Write(p)
}
