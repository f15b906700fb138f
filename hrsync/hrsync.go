// Package hrsync runs the HR side of a poll: read an instance's report, map every row to
// profile fields, and detect events against the stored profiles (or, on the first run, build
// the initial profiles). The `ilm plan` / `ilm sync` commands and the poll activity share it.
package hrsync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors/workday"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// Planner plans polls for the workday instances of one configuration.
type Planner struct {
	Config *config.Config
	Store  store.Store
}

// Options tune one plan or sync.
type Options struct {
	// Report, when set, is a local report file read in place of the instance's report_url.
	// A URL is refused (ErrReportNotFile).
	Report string
	// Now is the moment the rules evaluate dates against.
	Now time.Time
	// InFlight holds the employee ids with an incident running.
	InFlight map[string]bool
	// Force lets an initial sync run when it would be refused: over an instance already
	// synced, or on a report that is empty or has too many invalid rows.
	Force bool
	// Progress, when set, is called with the number of rows read so far after each row.
	Progress func(rows int)
}

// Plan is what a poll would do.
type Plan struct {
	Instance string
	Rows     int
	Result   lifecycle.Result
}

// SyncSummary is what an initial sync did.
type SyncSummary struct {
	Instance string
	Rows     int
	Created  int
	// Skipped are the rows left out, invalid or not, in row order.
	Skipped []lifecycle.RowError
	// Invalid is how many of Skipped are invalid rows.
	Invalid int
	// Overrode names the refusals that Force overrode.
	Overrode []string
}

// source is one workday instance, ready to read.
type source struct {
	instance string
	settings lifecycle.Settings
	mapper   *mappers.Mapper
	layout   string
	client   *workday.Client
}

func (p *Planner) source(instance, report string) (*source, error) {
	w, err := p.Config.WorkdayInstance(instance)
	if err != nil {
		return nil, err
	}
	m, err := mappers.Load(w.Mapper)
	if err != nil {
		return nil, fmt.Errorf("instance %q: %w", instance, err)
	}
	if err := CheckReport(report); err != nil {
		return nil, fmt.Errorf("instance %q: %w", instance, err)
	}
	url := w.ReportURL
	if report != "" {
		url = report
	}
	var user, pass string
	if !workday.IsFile(url) {
		if user, pass, err = w.Credentials(); err != nil {
			return nil, fmt.Errorf("instance %q: %w", instance, err)
		}
	}
	settings := Settings(instance, w)
	settings.Scopes = TargetScopes(p.Config)
	return &source{
		instance: instance,
		settings: settings,
		mapper:   m,
		layout:   w.DateFormat,
		client:   workday.New(workday.Config{ReportURL: url, Username: user, Password: pass, Timeout: w.Timeout.Duration}),
	}, nil
}

// ErrReportNotFile refuses a URL given in place of an instance's report_url. A report is
// fetched from the configured URL only, so the Workday credentials go nowhere else, whoever
// asks for a plan or a poll.
var ErrReportNotFile = errors.New("a report read in place of report_url must be a local file, not a URL")

// CheckReport returns ErrReportNotFile unless report is empty or names a local file.
func CheckReport(report string) error {
	if report != "" && !workday.IsFile(report) {
		return ErrReportNotFile
	}
	return nil
}

// Settings turns a workday instance's config into detection settings.
func Settings(instance string, w *config.Workday) lifecycle.Settings {
	field := profile.TerminationDate
	if w.DeactivationDateField == config.LastDayOfWorkField {
		field = profile.LastDayOfWork
	}
	return lifecycle.Settings{
		Instance:                      instance,
		SourcePriority:                w.SourcePriority,
		DeactivationDateField:         field,
		DaysBeforeHireToSync:          w.DaysBeforeHireToSync,
		DaysBeforeHireToEnableAD:      w.DaysBeforeHireToEnableAD,
		InitialSyncMaxRowErrorPercent: w.MaxRowErrorPercent(),
		MaxFieldBytes:                 w.MaxFieldBytes,
		MaxRowBytes:                   w.MaxRowBytes,
		Guard: lifecycle.Guard{
			Disabled:         w.Guard.Disabled,
			AccessRemovals:   lifecycle.Limit(w.Guard.AccessRemovals()),
			CredentialGrants: lifecycle.Limit(w.Guard.CredentialGrants()),
		},
	}
}

// TargetScopes are the scopes of the config's target instances, in file order. The config
// compiled them when it was loaded, and checked that each scoped instance is a provisioning
// target.
func TargetScopes(cfg *config.Config) []lifecycle.TargetScope {
	var out []lifecycle.TargetScope
	for _, in := range cfg.Instances {
		t := in.Target()
		if t == nil || t.ScopeCondition == nil {
			continue
		}
		out = append(out, lifecycle.TargetScope{
			Instance:        in.Name,
			Condition:       t.ScopeCondition,
			DisableOnExit:   t.OnScopeExit == config.ScopeExitDisable,
			ActiveDirectory: in.ActiveDirectory != nil,
		})
	}
	return out
}

// each streams the report's rows, mapped, and stops at the first error fn returns. A mapping
// failure travels in Row.Err with the fields that did map, so the person still counts as
// present. The report is complete only when each returns nil.
func (s *source) each(ctx context.Context, progress func(int), fn func(lifecycle.Row) error) (int, error) {
	n := 0
	err := s.client.Stream(ctx, func(r workday.Row) error {
		n++
		if progress != nil {
			progress(n)
		}
		fields, err := s.mapper.MapFields(r.Columns, mappers.Options{DateLayout: s.layout, Row: r.Number})
		return fn(lifecycle.Row{Number: r.Number, Fields: fields, Err: err})
	})
	return n, err
}

// Plan reads the instance's report and detects its events against the stored profiles. It
// holds a summary of each stored profile and loads whole profiles only for the people an
// event concerns.
func (p *Planner) Plan(ctx context.Context, instance string, opts Options) (Plan, error) {
	src, err := p.source(instance, opts.Report)
	if err != nil {
		return Plan{}, err
	}
	defer lowerGC()()
	var summaries []profile.Summary
	err = p.Store.ScanSummaries(ctx, func(sum profile.Summary) error {
		summaries = append(summaries, sum)
		return nil
	})
	if err != nil {
		return Plan{}, fmt.Errorf("read profiles: %w", err)
	}
	load := func(i int) (profile.Profile, error) { return p.Store.GetProfile(ctx, summaries[i].EmployeeID) }
	d := lifecycle.NewDetector(summaries, load, opts.InFlight, src.settings, opts.Now)
	rows, err := src.each(ctx, opts.Progress, d.Add)
	if err != nil {
		return Plan{}, err
	}
	res, err := d.Finish()
	if err != nil {
		return Plan{}, err
	}
	return Plan{Instance: instance, Rows: rows, Result: res}, nil
}

// NeedsInitialSync says whether the next poll of the instance is its first run with
// sync_on_first_run set.
func (p *Planner) NeedsInitialSync(ctx context.Context, instance string) (bool, error) {
	w, err := p.Config.WorkdayInstance(instance)
	if err != nil {
		return false, err
	}
	if !w.SyncOnFirstRun {
		return false, nil
	}
	st, err := p.Store.GetPollState(ctx, instance)
	if err != nil {
		return false, fmt.Errorf("poll state of %q: %w", instance, err)
	}
	return !st.InitialSyncDone, nil
}

// ErrAlreadySynced refuses a second initial sync of an instance without Force: re-baselining
// silently swallows every pending change (XSOAR's "reset the last run" trap).
var ErrAlreadySynced = errors.New("initial sync already done for this instance")

// ErrInitialSyncRefused refuses an initial sync of a report that is empty or mostly invalid:
// it would baseline nobody, or a few, and the next poll would raise a new hire for everyone
// else.
var ErrInitialSyncRefused = errors.New("initial sync refused")

// InitialSync creates the profiles of everyone already employed, without incidents, and marks
// the instance's first run done. A refused sync saves nothing and leaves the instance
// unsynced.
func (p *Planner) InitialSync(ctx context.Context, instance string, opts Options) (SyncSummary, error) {
	src, err := p.source(instance, opts.Report)
	if err != nil {
		return SyncSummary{}, err
	}
	st, err := p.Store.GetPollState(ctx, instance)
	if err != nil {
		return SyncSummary{}, fmt.Errorf("poll state of %q: %w", instance, err)
	}
	var overrode []string
	if st.InitialSyncDone {
		if !opts.Force {
			return SyncSummary{}, fmt.Errorf("instance %q: %w (use --force to run it again)", instance, ErrAlreadySynced)
		}
		overrode = append(overrode, "the instance was already synced")
	}
	defer lowerGC()()
	var rows []lifecycle.Row
	n, err := src.each(ctx, opts.Progress, func(r lifecycle.Row) error {
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return SyncSummary{}, err
	}
	b := lifecycle.InitialSync(rows, src.settings, opts.Now)
	if b.Refusal != "" {
		if !opts.Force {
			return SyncSummary{}, fmt.Errorf("instance %q: %w: %s; nothing saved, the instance stays unsynced (fix the report, or override with ilm sync --initial --force)",
				instance, ErrInitialSyncRefused, b.Refusal)
		}
		overrode = append(overrode, b.Refusal)
	}
	rec := store.Record{Actor: "ilm:initial-sync", Incident: "initial-sync/" + instance, At: opts.Now}
	if err := p.Store.SaveProfiles(ctx, b.Profiles, rec); err != nil {
		return SyncSummary{}, fmt.Errorf("save profiles: %w", err)
	}
	st.InitialSyncDone, st.UpdatedAt = true, opts.Now
	if err := p.Store.SetPollState(ctx, st); err != nil {
		return SyncSummary{}, fmt.Errorf("poll state of %q: %w", instance, err)
	}
	skipped := slices.Concat(b.Invalid, b.Skipped)
	slices.SortFunc(skipped, func(a, b lifecycle.RowError) int { return cmp.Compare(a.Row, b.Row) })
	return SyncSummary{
		Instance: instance, Rows: n, Created: len(b.Profiles),
		Skipped: skipped, Invalid: len(b.Invalid), Overrode: overrode,
	}, nil
}
