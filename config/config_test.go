package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const valid = `
store: sqlite:ilm.db
temporal: {address: localhost:7233, namespace: default, task_queue: ilm}
instances:
  - name: workday
    type: workday
    report_url: file:examples/workday-report.json
    username_env: WORKDAY_USERNAME
    password_env: WORKDAY_PASSWORD
    date_format: "2006-01-02"
    deactivation_date_field: termination_date
    days_before_hire_to_sync:
    days_before_hire_to_enable_ad: 3
    source_priority: 1
    sync_on_first_run: true
    mapper: mappers/workday-incoming.yaml
    guard: {max_access_removals: 25, max_access_removal_percent: 5, max_credential_grants: 50, max_credential_grant_percent: 150}
    initial_sync_max_row_error_percent: 2.5
    poll_interval: 15m
provisioning:
  targets: {create: [], update: [], disable: []}
  it_notification_email: it-alerts@example.com
  service_desk_email: service-desk@example.com
`

func TestParseValid(t *testing.T) {
	cfg, err := Parse([]byte(valid))
	require.NoError(t, err)
	w, err := cfg.WorkdayInstance("workday")
	require.NoError(t, err)
	assert.Nil(t, w.DaysBeforeHireToSync, "empty days_before_hire_to_sync means no limit")
	require.NotNil(t, w.DaysBeforeHireToEnableAD)
	assert.Equal(t, 3, *w.DaysBeforeHireToEnableAD)
	assert.Equal(t, 15*time.Minute, w.PollInterval.Duration)
	assert.Equal(t, GuardLimit{Max: 25, MaxPercent: 5}, w.Guard.AccessRemovals())
	assert.Equal(t, GuardLimit{Max: 50, MaxPercent: 150}, w.Guard.CredentialGrants())
	assert.False(t, w.Guard.Disabled)
	assert.Equal(t, 2.5, w.MaxRowErrorPercent())
	assert.True(t, w.SyncOnFirstRun)
	assert.Equal(t, "ilm", cfg.Temporal.TaskQueue)
	assert.Equal(t, []string{"workday"}, cfg.WorkdayInstances())
}

func TestZeroDaysIsNotEmpty(t *testing.T) {
	cfg, err := Parse([]byte(`instances: [{name: w, type: workday, report_url: "file:r.json", days_before_hire_to_sync: 0}]`))
	require.NoError(t, err)
	w, _ := cfg.WorkdayInstance("w")
	require.NotNil(t, w.DaysBeforeHireToSync)
	assert.Equal(t, 0, *w.DaysBeforeHireToSync)
}

// An instance without guard keys is guarded by the defaults; zero is a bound, not "off", and
// only disabled turns the guard off.
func TestGuardIsOnByDefault(t *testing.T) {
	defaults := GuardLimit{Max: DefaultGuardMax, MaxPercent: DefaultGuardMaxPercent}
	tests := []struct {
		keys             string
		removals, grants GuardLimit
		disabled         bool
		rowErrorPercent  float64
	}{
		{keys: ``, removals: defaults, grants: defaults, rowErrorPercent: DefaultInitialSyncMaxRowErrorPercent},
		{keys: `guard: {}`, removals: defaults, grants: defaults, rowErrorPercent: DefaultInitialSyncMaxRowErrorPercent},
		{keys: `guard: {max_access_removals: 0, max_credential_grant_percent: 0}`,
			removals: GuardLimit{Max: 0, MaxPercent: DefaultGuardMaxPercent}, grants: GuardLimit{Max: DefaultGuardMax, MaxPercent: 0},
			rowErrorPercent: DefaultInitialSyncMaxRowErrorPercent},
		{keys: `guard: {disabled: true}`, removals: defaults, grants: defaults, disabled: true, rowErrorPercent: DefaultInitialSyncMaxRowErrorPercent},
		{keys: `initial_sync_max_row_error_percent: 0`, removals: defaults, grants: defaults, rowErrorPercent: 0},
	}
	for _, tc := range tests {
		t.Run(tc.keys, func(t *testing.T) {
			cfg, err := Parse([]byte("instances:\n  - name: w\n    type: workday\n    report_url: file:r.json\n    " + tc.keys + "\n"))
			require.NoError(t, err)
			w, err := cfg.WorkdayInstance("w")
			require.NoError(t, err)
			assert.Equal(t, tc.removals, w.Guard.AccessRemovals())
			assert.Equal(t, tc.grants, w.Guard.CredentialGrants())
			assert.Equal(t, tc.disabled, w.Guard.Disabled)
			assert.Equal(t, tc.rowErrorPercent, w.MaxRowErrorPercent())
		})
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"unknown top key":      {`stor: x`, `unknown key "stor"`},
		"long unique names":    {`provisioning: {unique_names: {enabled: true, max_length: 65}}`, `provisioning.unique_names.max_length: 65 is not between 3 and 64`},
		"short unique names":   {`provisioning: {unique_names: {max_length: 2}}`, `provisioning.unique_names.max_length: 2 is not between 3 and 64`},
		"unknown unique key":   {`provisioning: {unique_names: {enabld: true}}`, `unknown key "enabld"`},
		"unknown instance key": {`instances: [{name: w, type: workday, reprot_url: x}]`, `instance "w": unknown key "reprot_url"`},
		"unknown nested key":   {`instances: [{name: w, type: workday, report_url: "file:r", guard: {max_terminashuns: 3}}]`, `instance "w".guard: unknown key "max_terminashuns"`},
		"unknown type":         {`instances: [{name: w, type: wrkday}]`, `unknown instance type "wrkday"`},
		"missing type":         {`instances: [{name: w}]`, `type: required`},
		"missing report":       {`instances: [{name: w, type: workday}]`, `instances[0].report_url: required`},
		"duplicate name":       {`instances: [{name: w, type: workday, report_url: "file:a"}, {name: w, type: workday, report_url: "file:b"}]`, `instances[1].name: duplicate instance name "w"`},
		"negative days":        {`instances: [{name: w, type: workday, report_url: "file:a", days_before_hire_to_sync: -1}]`, `instances[0].days_before_hire_to_sync`},
		"bad deactivation":     {`instances: [{name: w, type: workday, report_url: "file:a", deactivation_date_field: hire_date}]`, `instances[0].deactivation_date_field`},
		"bad duration":         {`instances: [{name: w, type: workday, report_url: "file:a", poll_interval: soon}]`, `"soon" is not a duration`},
		"bad percent":          {`instances: [{name: w, type: workday, report_url: "file:a", guard: {max_access_removal_percent: 150}}]`, `instances[0].guard.max_access_removal_percent: must be between 0 and 100`},
		"negative grants":      {`instances: [{name: w, type: workday, report_url: "file:a", guard: {max_credential_grants: -1}}]`, `instances[0].guard.max_credential_grants: must be >= 0`},
		"renamed guard key":    {`instances: [{name: w, type: workday, report_url: "file:a", guard: {max_terminations: 25}}]`, `instances[0].guard.max_terminations: now max_access_removals`},
		"bad row error share":  {`instances: [{name: w, type: workday, report_url: "file:a", initial_sync_max_row_error_percent: 101}]`, `instances[0].initial_sync_max_row_error_percent`},
		"http needs creds":     {`instances: [{name: w, type: workday, report_url: "https://wd5.example/ccx"}]`, `needs username_env`},
		"unknown target":       {`provisioning: {targets: {create: [ad]}}`, `provisioning.targets.create[0]: no instance named "ad"`},
		"workday as target":    {`instances: [{name: w, type: workday, report_url: "file:a"}]` + "\nprovisioning: {targets: {disable: [w]}}", `provisioning.targets.disable[0]: "w" is a workday source`},
		"bad store":            {`store: mysql://x`, `store: must start with`},
		"bad review method":    {`provisioning: {review: {method: lottery}}`, `provisioning.review.method`},
		"bad date format":      {`instances: [{name: w, type: workday, report_url: "file:a", date_format: "yyyy-mm-dd"}]`, `date_format`},
	}
	assertParseErrors(t, cases)
}

// assertParseErrors checks that Parse refuses each case's doc with an error that contains
// its want, one subtest a case.
func assertParseErrors(t *testing.T, cases map[string]struct{ doc, want string }) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadResolvesPathsAgainstTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(path, []byte(valid), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	w, _ := cfg.WorkdayInstance("workday")
	assert.Equal(t, "file:"+filepath.Join(dir, "examples/workday-report.json"), w.ReportURL)
	assert.Equal(t, filepath.Join(dir, "mappers/workday-incoming.yaml"), w.Mapper)
}

func TestSecretsComeFromEnvOrFileAndAreNeverPrinted(t *testing.T) {
	t.Setenv("ILM_TEST_SECRET", "s3cret-value")
	v, err := Secret("password", "ILM_TEST_SECRET", "")
	require.NoError(t, err)
	assert.Equal(t, "s3cret-value", v)

	_, err = Secret("password", "ILM_TEST_UNSET_VARIABLE", "")
	require.ErrorContains(t, err, "ILM_TEST_UNSET_VARIABLE is not set")

	file := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(file, []byte("from-file\n"), 0o600))
	v, err = Secret("password", "", file)
	require.NoError(t, err)
	assert.Equal(t, "from-file", v)

	_, err = Secret("password", "", filepath.Join(t.TempDir(), "missing"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret-value")
}

// A relative SQLite store is relative to the config file, as every other path in it, so a
// command run from elsewhere opens the config's store and not a new empty one.
func TestSQLiteStoreIsRelativeToTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ilm.yaml")
	for doc, want := range map[string]string{
		`store: sqlite:data/ilm.db`:         "sqlite:" + filepath.Join(dir, "data/ilm.db"),
		`store: sqlite://data/ilm.db`:       "sqlite:" + filepath.Join(dir, "data/ilm.db"),
		`store: sqlite:/var/ilm/ilm.db`:     "sqlite:/var/ilm/ilm.db",
		`store: "sqlite::memory:"`:          "sqlite::memory:",
		`temporal: {namespace: x}`:          "sqlite:" + filepath.Join(dir, "ilm.db"),
		`store: postgres://ilm@db:5432/ilm`: "postgres://ilm@db:5432/ilm",
	} {
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
		cfg, err := Load(path)
		require.NoError(t, err, doc)
		assert.Equal(t, want, cfg.Store, doc)
	}
}
