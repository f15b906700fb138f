package hrsync

import (
	"runtime/debug"
	"sync"
)

// planningGCPercent is the garbage collector's percent (GOGC) while a report is read and
// planned. Planning holds a summary of every stored person, an index of the report's keys and
// the events found; at the default 100 the heap grows to twice that before a collection, and
// the peak RSS of 100,000 people was 1.8 times the report's size. At 35 it is 1.4 times, for
// about a tenth more CPU: planning still takes about what a bare encoding/json decode of the
// report does (make bench).
const planningGCPercent = 35

// leanGC holds the GC percent at planningGCPercent, or the process's own when that is lower
// (GOGC set lower, or off), until every planning that lowered it has restored it.
var leanGC struct {
	sync.Mutex
	users int
	saved int // the percent to go back to
}

// lowerGC lowers the GC percent for one planning and returns what restores it.
func lowerGC() (restore func()) {
	leanGC.Lock()
	defer leanGC.Unlock()
	if leanGC.users == 0 {
		leanGC.saved = debug.SetGCPercent(planningGCPercent)
		if leanGC.saved < planningGCPercent { // off is -1
			debug.SetGCPercent(leanGC.saved)
		}
	}
	leanGC.users++
	var once sync.Once
	return func() {
		once.Do(func() {
			leanGC.Lock()
			defer leanGC.Unlock()
			if leanGC.users--; leanGC.users == 0 {
				debug.SetGCPercent(leanGC.saved)
			}
		})
	}
}
