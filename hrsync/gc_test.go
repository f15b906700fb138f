package hrsync

import (
	"context"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gcPercent reads the GC percent, leaving it as it was.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// withGCPercent runs the test at the GC percent p, then puts the process's back.
func withGCPercent(t *testing.T, p int) {
	old := debug.SetGCPercent(p)
	t.Cleanup(func() { debug.SetGCPercent(old) })
}

// Planning lowers the GC percent while it runs, and two plans at once (two instances polled
// together) put it back only when both are done.
func TestLowerGCWhilePlanning(t *testing.T) {
	withGCPercent(t, 100)
	first := lowerGC()
	assert.Equal(t, planningGCPercent, gcPercent())
	second := lowerGC()
	first()
	first() // twice changes nothing
	assert.Equal(t, planningGCPercent, gcPercent(), "the other planning still runs")
	second()
	assert.Equal(t, 100, gcPercent())
}

// An operator's lower GOGC, or GOGC=off, is kept.
func TestLowerGCKeepsALowerSetting(t *testing.T) {
	for _, p := range []int{20, -1} {
		withGCPercent(t, p)
		restore := lowerGC()
		assert.Equal(t, p, gcPercent())
		restore()
		assert.Equal(t, p, gcPercent())
	}
}

// Plan and InitialSync read their rows at the lowered percent, and restores the process's afterwards, also
// when plans run at once.
func TestPlanRunsAtTheLowerGCPercent(t *testing.T) {
	withGCPercent(t, 100)
	p := newPlanner(t, "")
	ctx := context.Background()
	report := writeRows(t, []map[string]any{stockRow(1), stockRow(2)})
	var mu sync.Mutex
	var during []int
	_, err := p.InitialSync(ctx, "workday", Options{Report: report, Now: syncNow, Progress: func(int) { during = append(during, gcPercent()) }})
	require.NoError(t, err)
	assert.Equal(t, []int{planningGCPercent, planningGCPercent}, during, "during the initial sync")
	assert.Equal(t, 100, gcPercent(), "after the initial sync")

	during = nil
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, err := p.Plan(ctx, "workday", Options{Report: report, Now: syncNow, Progress: func(int) {
				mu.Lock()
				defer mu.Unlock()
				during = append(during, gcPercent())
			}})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	require.Len(t, during, 8)
	for _, got := range during {
		assert.Equal(t, planningGCPercent, got)
	}
	assert.Equal(t, 100, gcPercent(), "after the plans")
}
