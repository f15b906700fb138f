package activedirectory

import (
	"context"
	"sync"
	"time"
)

// DefaultMaxConnections bounds the connections one instance holds open when
// Config.MaxConnections is zero: calls beyond it wait for a free one rather than open more
// TLS sessions than the DC can take at once (a thousand at once time out). With 8, a
// thousand new hires spent most of their time waiting for a connection, not in the DC.
const DefaultMaxConnections = 32

// maxIdle is how long an idle connection is kept for reuse: well under the idle timeouts of
// AD (15 minutes) and of the firewalls between.
const maxIdle = time.Minute

// pool holds the instance's bound connections between operations, so an operation does
// not pay a TCP connect, a TLS handshake and a bind. At most max are open at a time. A
// connection goes back to the pool only when it can say it is still open (ldap.Conn's
// IsClosing) and its operation's context did not close it; any other is closed.
type pool struct {
	dial  func(context.Context) (conn, error)
	slots chan struct{} // one token per open connection in use
	mu    sync.Mutex
	idle  []idleConn // most recently used last
	now   func() time.Time
}

type idleConn struct {
	c     conn
	since time.Time
}

// closer is what a pooled connection must also do: say when it is no longer usable, and
// take the per-call timeout of whoever uses it next.
type closer interface {
	IsClosing() bool
	SetTimeout(time.Duration)
}

func newPool(max int, dial func(context.Context) (conn, error)) *pool {
	if max <= 0 {
		max = DefaultMaxConnections
	}
	return &pool{dial: dial, slots: make(chan struct{}, max), now: time.Now}
}

// get returns a connection for one operation, idle or new, waiting for a free slot while
// max are in use. The connection is closed when ctx ends (failing the call in progress) and
// must be given back with its Close, which returns it to the pool.
func (p *pool) get(ctx context.Context, timeout time.Duration) (conn, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, classify("wait for a connection", ctx.Err())
	}
	c := p.takeIdle()
	if c == nil {
		var err error
		if c, err = p.dial(ctx); err != nil {
			<-p.slots
			return nil, err
		}
	}
	if cl, ok := c.(closer); ok {
		cl.SetTimeout(timeout)
	}
	return &lease{conn: c, p: p, stop: context.AfterFunc(ctx, func() { _ = c.Close() })}, nil
}

// takeIdle pops the most recently used idle connection that is still open, closing those
// that are not or have idled too long.
func (p *pool) takeIdle() conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 {
		ic := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if ic.c.(closer).IsClosing() || p.now().Sub(ic.since) > maxIdle {
			_ = ic.c.Close()
			continue
		}
		return ic.c
	}
	return nil
}

// put takes back a connection: kept idle when it is still open, else closed.
func (p *pool) put(c conn, reusable bool) {
	defer func() { <-p.slots }()
	if cl, ok := c.(closer); ok && reusable && !cl.IsClosing() {
		p.mu.Lock()
		p.idle = append(p.idle, idleConn{c: c, since: p.now()})
		p.mu.Unlock()
		return
	}
	_ = c.Close()
}

// lease is a pooled connection in use by one operation; Close gives it back.
type lease struct {
	conn
	p    *pool
	stop func() bool
	done bool
}

func (l *lease) Close() error {
	if l.done {
		return nil
	}
	l.done = true
	// stop reports false when ctx ended and closed the connection: it is not reused.
	l.p.put(l.conn, l.stop())
	return nil
}
