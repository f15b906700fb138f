package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/lifecycle"
)

// printPollReport prints what a workday poll did: its row errors on stderr, then one line of
// counts per incident type, preceded by one line per started incident when verbose (a big
// report starts hundreds), then the incidents that failed to start on stderr.
func printPollReport(stdout, stderr io.Writer, rep activities.PollReport, verbose bool) {
	for _, e := range rep.RowErrors {
		fmt.Fprintln(stderr, e)
	}
	if rep.InitialSync {
		fmt.Fprintf(stdout, "initial sync of %s: %d rows, %d profiles created, no incidents started\n", rep.Instance, rep.Rows, rep.ProfilesSynced)
		return
	}
	if verbose {
		for _, inc := range rep.Incidents {
			fmt.Fprintf(stdout, "started %-28s employee %-10s workflow %s\n", inc.Type, inc.EmployeeID, inc.WorkflowID)
		}
	}
	if rep.PlanAccepted {
		fmt.Fprintf(stdout, "ran the accepted plan %s (%s)\n", rep.PlanDigest, rep.GuardCounts)
	}
	fmt.Fprintf(stdout, "poll of %s: %d rows, %d events; %s; %d already running; %d row errors\n",
		rep.Instance, rep.Rows, rep.Events, startedPerType(rep.Started, rep.Incidents), rep.AlreadyRunning, len(rep.RowErrors))
	for _, f := range rep.FailedStarts {
		fmt.Fprintf(stderr, "failed to start %s for employee %s: %s\n", f.Type, f.EmployeeID, f.Error)
	}
	if rest := rep.Failed - len(rep.FailedStarts); rest > 0 {
		fmt.Fprintf(stderr, "… and %d more failed to start\n", rest)
	}
}

// printOktaPollReport prints what a System Log poll did, as printPollReport does.
func printOktaPollReport(stdout io.Writer, rep activities.OktaPollReport, verbose bool) {
	if verbose {
		for _, inc := range rep.Incidents {
			fmt.Fprintf(stdout, "started %-20s workflow %s\n", inc.Type, inc.WorkflowID)
		}
	}
	fmt.Fprintf(stdout, "poll of %s: %d pages, %d events; %s; %d duplicates dropped, %d ignored\n",
		rep.Instance, rep.Pages, rep.Events, startedPerType(rep.Started, rep.Incidents), rep.Duplicates, rep.Ignored)
}

// startedPerType says how many of the started incidents were of each type: "started 3 IAM -
// New Hire, 1 IAM - Terminate User". A report lists at most MaxListedIncidents of them; the
// types of the rest are unknown and counted apart.
func startedPerType(started int, listed []activities.StartedIncident) string {
	if started == 0 {
		return "started nothing"
	}
	counts := map[lifecycle.EventType]int{}
	for _, inc := range listed {
		counts[inc.Type]++
	}
	var parts []string
	for _, t := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[t], t))
	}
	if rest := started - len(listed); rest > 0 {
		parts = append(parts, fmt.Sprintf("%d more, of types the report does not list", rest))
	}
	return "started " + strings.Join(parts, ", ")
}
