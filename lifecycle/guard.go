package lifecycle

import (
	"fmt"
	"strings"
)

// judge applies the mass-change guard: a poll that would terminate or orphan more people than
// the bounds allow must start nothing, because a truncated report must never disable the
// company.
func judge(g Guard, terminations, orphans, active int) GuardVerdict {
	v := GuardVerdict{Terminations: terminations, Orphans: orphans, Active: active}
	n := terminations + orphans
	var exceeded []string
	if g.MaxTerminations > 0 && n > g.MaxTerminations {
		exceeded = append(exceeded, fmt.Sprintf("max_terminations %d", g.MaxTerminations))
	}
	if g.MaxTerminationPercent > 0 && active > 0 {
		if pct := float64(n) * 100 / float64(active); pct > g.MaxTerminationPercent {
			exceeded = append(exceeded, fmt.Sprintf("max_termination_percent %g (%.1f%% of %d active)", g.MaxTerminationPercent, pct, active))
		}
	}
	if len(exceeded) > 0 {
		v.Tripped = true
		v.Reason = fmt.Sprintf("mass-change guard: %d terminations and %d orphans exceed %s", terminations, orphans, strings.Join(exceeded, " and "))
	}
	return v
}
