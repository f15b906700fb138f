package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

func TestOpen(t *testing.T) {
	var got string
	store.Register("fake", func(_ context.Context, dsn string) (store.Store, error) {
		got = dsn
		return nil, nil
	})
	_, err := store.Open(t.Context(), "FAKE:thing")
	require.NoError(t, err)
	assert.Equal(t, "FAKE:thing", got, "the implementation gets the whole dsn")

	assert.Panics(t, func() { store.Register("fake", func(context.Context, string) (store.Store, error) { return nil, nil }) })
	assert.Panics(t, func() { store.Register("nil", nil) })

	_, err = store.Open(t.Context(), "mysql://ilm:s3cr3t@db:3306/ilm")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown scheme "mysql"`)
	assert.Contains(t, err.Error(), "registered: fake")
	assert.NotContains(t, err.Error(), "s3cr3t")

	_, err = store.Open(t.Context(), "ilm.db")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"ilm.db" has no scheme`)
}

func TestRedactDSN(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://ilm:s3cr3t@db:5432/ilm?sslmode=disable": "postgres://ilm:xxxxx@db:5432/ilm?sslmode=disable",
		"postgres://ilm@db/ilm":                             "postgres://ilm@db/ilm",
		"postgres://db/ilm?user=ilm&password=s3cr3t&x=1":    "postgres://db/ilm?user=ilm&password=xxxxx&x=1",
		"host=db user=ilm password=s3cr3t dbname=ilm":       "host=db user=ilm password=xxxxx dbname=ilm",
		"host=db password='s3 cr\\'et' dbname=ilm":          "host=db password=xxxxx dbname=ilm",
		"postgres://ilm:s3cr3t@db:notaport/ilm":             "postgres://ilm:xxxxx@db:notaport/ilm",
		"postgres://ilm:s3%zzcr3t@db/ilm":                   "postgres://ilm:xxxxx@db/ilm",
		"sqlite:/var/lib/ilm/ilm.db":                        "sqlite:/var/lib/ilm/ilm.db",
		"sqlite::memory:":                                   "sqlite::memory:",
	} {
		got := store.RedactDSN(dsn)
		assert.Equal(t, want, got, dsn)
		assert.NotContains(t, got, "s3", dsn)
	}
}

func TestChanges(t *testing.T) {
	base := profile.Profile{
		Fields:         profile.Fields{profile.EmployeeID: "E1", profile.Title: "Engineer"},
		SourcePriority: 1,
	}
	tests := []struct {
		name string
		old  profile.Profile
		next func(p profile.Profile) profile.Profile
		want map[string]profile.Change
	}{
		{"nothing", base, func(p profile.Profile) profile.Profile { return p }, nil},
		{"update time alone", base, func(p profile.Profile) profile.Profile {
			p.UpdatedAt = p.UpdatedAt.AddDate(1, 0, 0)
			return p
		}, nil},
		{"nil and empty lists alike", base, func(p profile.Profile) profile.Profile {
			p.Applications = []string{}
			p.OldUserData = profile.Fields{}
			return p
		}, nil},
		{"whitespace alone", base, func(p profile.Profile) profile.Profile {
			p.Fields = profile.Fields{profile.EmployeeID: "E1", profile.Title: " Engineer "}
			return p
		}, nil},
		{"new person", profile.Profile{}, func(p profile.Profile) profile.Profile { return p }, map[string]profile.Change{
			profile.EmployeeID:        {New: "E1"},
			profile.Title:             {New: "Engineer"},
			profile.SourcePriorityKey: {Old: "0", New: "1"},
		}},
		{"every lifecycle field", base, func(p profile.Profile) profile.Profile {
			p.ADStatus = profile.ADDisabled
			p.SourcePriority = 3
			p.SourceOfTruth = "Workday"
			p.ConversionHire = true
			p.AcquisitionHire = true
			p.Applications = []string{"okta", "slack"}
			p.OldUserData = profile.Fields{"title": "Intern"}
			return p
		}, map[string]profile.Change{
			profile.ADAccountStatusKey: {New: "Disabled"},
			profile.SourcePriorityKey:  {Old: "1", New: "3"},
			profile.SourceOfTruthKey:   {New: "Workday"},
			profile.ConversionHireKey:  {Old: "false", New: "true"},
			profile.AcquisitionHireKey: {Old: "false", New: "true"},
			profile.ApplicationsKey:    {Old: "[]", New: `["okta","slack"]`},
			profile.OldUserDataKey:     {Old: "{}", New: `{"title":"Intern"}`},
		}},
		{"field removed", base, func(p profile.Profile) profile.Profile {
			p.Fields = profile.Fields{profile.EmployeeID: "E1"}
			return p
		}, map[string]profile.Change{profile.Title: {Old: "Engineer"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := tc.next(profile.Profile{
				Fields:         base.Fields.Clone(),
				SourcePriority: base.SourcePriority,
			})
			assert.Equal(t, tc.want, store.Changes(tc.old, next))
		})
	}
}
