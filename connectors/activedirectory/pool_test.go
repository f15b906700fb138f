package activedirectory

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
)

// openConn is a fakeConn that, like ldap.Conn, says when it is closed and takes a timeout:
// the pool keeps such connections for reuse. A context's end closes it from another
// goroutine, hence the lock.
type openConn struct {
	*fakeConn
	mu      sync.Mutex
	timeout time.Duration
}

func (c *openConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fakeConn.Close()
}

func (c *openConn) IsClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *openConn) SetTimeout(d time.Duration) { c.timeout = d }

// pooled is the stock target over d whose connections the pool can reuse; it also returns
// every connection dialled.
func (d *directory) pooled(t *testing.T) (*Target, *[]*openConn) {
	t.Helper()
	tg := d.target(t)
	var conns []*openConn
	tg.dial = func(ctx context.Context) (conn, error) {
		c, err := d.dial(ctx)
		if err != nil {
			return nil, err
		}
		oc := &openConn{fakeConn: c.(*fakeConn)}
		conns = append(conns, oc)
		return oc, nil
	}
	return tg, &conns
}

// inUse is how many of the pool's connections an operation holds.
func (p *pool) inUse() int { return len(p.slots) }

func TestOperationsReuseOnePooledConnection(t *testing.T) {
	dir := newDirectory(t)
	tg, conns := dir.pooled(t)
	ctx := context.Background()
	for _, id := range []string{"p1", "p2", "p3"} {
		create(t, tg, hire(id, "Pia", "Lund"))
	}
	p := hire("p1", "Pia", "Lund")
	_, err := tg.Disable(ctx, p)
	require.NoError(t, err)
	res, err := tg.Get(ctx, p)
	require.NoError(t, err)
	assert.False(t, res.Active)
	assert.Equal(t, 1, dir.dials, "one connection for five operations in a row")
	assert.Zero(t, dir.closes, "kept open for the next operation")
	assert.Zero(t, tg.conns.inUse(), "given back after each operation")
	assert.Equal(t, 2*time.Second, (*conns)[0].timeout, "each use takes the instance's timeout")
}

func TestADroppedConnectionIsNotReused(t *testing.T) {
	dir := newDirectory(t)
	tg, conns := dir.pooled(t)
	create(t, tg, hire("d1", "Dan", "Ek"))
	// The DC closed the idle connection.
	require.NoError(t, (*conns)[0].Close())
	create(t, tg, hire("d2", "Dan", "Ek"))
	assert.Equal(t, 2, dir.dials, "a new connection replaces the dropped one")
	assert.False(t, (*conns)[1].IsClosing())
}

func TestAnIdleConnectionIsClosedAfterMaxIdle(t *testing.T) {
	dir := newDirectory(t)
	tg, conns := dir.pooled(t)
	now := time.Now()
	tg.conns.now = func() time.Time { return now }
	create(t, tg, hire("i1", "Ida", "Berg"))
	now = now.Add(maxIdle + time.Second)
	create(t, tg, hire("i2", "Ida", "Berg"))
	assert.Equal(t, 2, dir.dials)
	assert.True(t, (*conns)[0].IsClosing(), "the stale connection is closed, not reused")
}

// An operation whose context ends has its connection closed under it, and that connection
// never serves another operation.
func TestAConnectionWhoseContextEndedIsClosedNotReused(t *testing.T) {
	dir := newDirectory(t)
	tg, conns := dir.pooled(t)
	ctx, cancel := context.WithCancel(context.Background())
	c, err := tg.conns.get(ctx, time.Second)
	require.NoError(t, err)
	cancel()
	require.Eventually(t, (*conns)[0].IsClosing, time.Second, time.Millisecond, "closed when the context ends")
	require.NoError(t, c.Close())
	create(t, tg, hire("x1", "Xi", "Wu"))
	assert.Equal(t, 2, dir.dials)
	assert.Zero(t, tg.conns.inUse())
}

func TestThePoolBoundsOpenConnections(t *testing.T) {
	dials := 0
	p := newPool(2, func(context.Context) (conn, error) {
		dials++
		return &openConn{fakeConn: &fakeConn{d: &directory{}}}, nil
	})
	a, err := p.get(context.Background(), time.Second)
	require.NoError(t, err)
	b, err := p.get(context.Background(), time.Second)
	require.NoError(t, err)

	// A third waits for a free connection, and gives up when its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = p.get(ctx, time.Second)
	require.ErrorIs(t, err, connectors.ErrUnavailable, "a call that waited out its context may be retried")

	got := make(chan conn)
	go func() {
		c, err := p.get(context.Background(), time.Second)
		assert.NoError(t, err)
		got <- c
	}()
	require.NoError(t, a.Close())
	c := <-got
	assert.Equal(t, 2, dials, "the waiting call took the connection given back")
	require.NoError(t, b.Close())
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "a second Close is a no-op")
	assert.Zero(t, p.inUse())
}
