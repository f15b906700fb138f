package config

import (
	"fmt"
	"strings"
	"time"
)

// Workday is a Workday RaaS report instance (SPEC §1).
type Workday struct {
	ReportURL    string `yaml:"report_url"`
	UsernameEnv  string `yaml:"username_env"`
	UsernameFile string `yaml:"username_file"`
	PasswordEnv  string `yaml:"password_env"`
	PasswordFile string `yaml:"password_file"`
	// DateFormat is the Go layout of the report's dates.
	DateFormat            string `yaml:"date_format"`
	DeactivationDateField string `yaml:"deactivation_date_field"`
	// DaysBeforeHireToSync: nil = no limit, 0 = on the hire date.
	DaysBeforeHireToSync *int `yaml:"days_before_hire_to_sync"`
	// DaysBeforeHireToEnableAD: nil = immediately.
	DaysBeforeHireToEnableAD *int   `yaml:"days_before_hire_to_enable_ad"`
	SourcePriority           int    `yaml:"source_priority"`
	SyncOnFirstRun           bool   `yaml:"sync_on_first_run"`
	Mapper                   string `yaml:"mapper"`
	Guard                    Guard  `yaml:"guard"`
	// InitialSyncMaxRowErrorPercent bounds the share of invalid rows an initial sync accepts
	// (nil: DefaultInitialSyncMaxRowErrorPercent).
	InitialSyncMaxRowErrorPercent *float64 `yaml:"initial_sync_max_row_error_percent"`
	// MaxFieldBytes bounds one mapped value, MaxRowBytes a mapped row (keys and values); a
	// row beyond them is a row error. 0: the defaults, 4096 and 65536 bytes.
	MaxFieldBytes int      `yaml:"max_field_bytes"`
	MaxRowBytes   int      `yaml:"max_row_bytes"`
	PollInterval  Duration `yaml:"poll_interval"`
	Timeout       Duration `yaml:"timeout"`
}

// MaxRowBytesLimit bounds max_field_bytes and max_row_bytes: an incident carries a person's
// fields about three times (as reported, as stored before, the changed ones' old values),
// and must stay under Temporal's payload limit, 2 MB by default.
const MaxRowBytesLimit = 256 << 10

// DefaultInitialSyncMaxRowErrorPercent is the share of invalid rows beyond which an initial
// sync is refused: a report mostly unreadable would baseline a few people and turn everyone
// else into a new hire on the next poll.
const DefaultInitialSyncMaxRowErrorPercent = 10

// MaxRowErrorPercent is the instance's initial_sync_max_row_error_percent, or its default.
func (w *Workday) MaxRowErrorPercent() float64 {
	if w.InitialSyncMaxRowErrorPercent == nil {
		return DefaultInitialSyncMaxRowErrorPercent
	}
	return *w.InitialSyncMaxRowErrorPercent
}

// Deactivation date fields a workday instance may use.
const (
	TerminationDateField = "termination_date"
	LastDayOfWorkField   = "last_day_of_work"
)

func (w *Workday) applyDefaults() {
	if w.DateFormat == "" {
		w.DateFormat = "2006-01-02"
	}
	if w.DeactivationDateField == "" {
		w.DeactivationDateField = TerminationDateField
	}
	if w.SourcePriority == 0 {
		w.SourcePriority = 1
	}
	if w.Mapper == "" {
		w.Mapper = "mappers/workday-incoming.yaml"
	}
	if w.PollInterval.Duration == 0 {
		w.PollInterval.Duration = 15 * time.Minute
	}
	if w.Timeout.Duration == 0 {
		w.Timeout.Duration = 5 * time.Minute
	}
}

func (w *Workday) validate(key string) []error {
	var errs []error
	if w.ReportURL == "" {
		errs = append(errs, fmt.Errorf("%s.report_url: required", key))
	} else if !hasScheme(w.ReportURL, "https://", "http://", "file:") {
		errs = append(errs, fmt.Errorf("%s.report_url: %q is not a file: path or an https:// or http:// address", key, w.ReportURL))
	} else if hasScheme(w.ReportURL, "http://", "https://") {
		if err := checkBaseURL(w.ReportURL); err != nil {
			errs = append(errs, fmt.Errorf("%s.report_url: %w", key, err))
		}
		if (w.UsernameEnv == "" && w.UsernameFile == "") || (w.PasswordEnv == "" && w.PasswordFile == "") {
			errs = append(errs, fmt.Errorf("%s: an http(s) report_url needs username_env or username_file and password_env or password_file", key))
		}
	}
	if w.DeactivationDateField != TerminationDateField && w.DeactivationDateField != LastDayOfWorkField {
		errs = append(errs, fmt.Errorf("%s.deactivation_date_field: %q is not %s or %s", key, w.DeactivationDateField, TerminationDateField, LastDayOfWorkField))
	}
	if w.DaysBeforeHireToSync != nil && *w.DaysBeforeHireToSync < 0 {
		errs = append(errs, fmt.Errorf("%s.days_before_hire_to_sync: must be empty or >= 0", key))
	}
	if w.DaysBeforeHireToEnableAD != nil && *w.DaysBeforeHireToEnableAD < 0 {
		errs = append(errs, fmt.Errorf("%s.days_before_hire_to_enable_ad: must be empty or >= 0", key))
	}
	if w.SourcePriority < 1 {
		errs = append(errs, fmt.Errorf("%s.source_priority: must be >= 1 (lower wins)", key))
	}
	errs = append(errs, w.Guard.validate(key+".guard")...)
	if p := w.InitialSyncMaxRowErrorPercent; p != nil && (*p < 0 || *p > 100) {
		errs = append(errs, fmt.Errorf("%s.initial_sync_max_row_error_percent: must be between 0 and 100", key))
	}
	for _, b := range []struct {
		key string
		n   int
	}{{"max_field_bytes", w.MaxFieldBytes}, {"max_row_bytes", w.MaxRowBytes}} {
		if b.n < 0 || b.n > MaxRowBytesLimit {
			errs = append(errs, fmt.Errorf("%s.%s: must be between 1 and %d (empty or 0: the default)", key, b.key, MaxRowBytesLimit))
		}
	}
	if w.MaxFieldBytes > 0 && w.MaxRowBytes > 0 && w.MaxFieldBytes > w.MaxRowBytes {
		errs = append(errs, fmt.Errorf("%s.max_field_bytes: %d is more than max_row_bytes %d", key, w.MaxFieldBytes, w.MaxRowBytes))
	}
	if w.PollInterval.Duration < time.Second {
		errs = append(errs, fmt.Errorf("%s.poll_interval: must be at least 1s", key))
	}
	if _, err := time.Parse(w.DateFormat, time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC).Format(w.DateFormat)); err != nil || !strings.ContainsAny(w.DateFormat, "0123456789") {
		errs = append(errs, fmt.Errorf("%s.date_format: %q is not a Go date layout such as 2006-01-02 or 01/02/2006", key, w.DateFormat))
	}
	return errs
}

func hasScheme(s string, schemes ...string) bool {
	for _, scheme := range schemes {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			return true
		}
	}
	return false
}

// Credentials resolves the report's username and password from the environment or files.
// Both are empty for file: reports.
func (w *Workday) Credentials() (username, password string, err error) {
	if username, err = Secret("username", w.UsernameEnv, w.UsernameFile); err != nil {
		return "", "", err
	}
	if password, err = Secret("password", w.PasswordEnv, w.PasswordFile); err != nil {
		return "", "", err
	}
	return username, password, nil
}
