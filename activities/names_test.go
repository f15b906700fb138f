package activities

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/testing/testtarget"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// nameDesk is the reservation activity over a SQLite store, the stock unique-names mapper
// and two in-memory targets.
type nameDesk struct {
	acts    *Activities
	ad, app *testtarget.Memory
}

func newNameDesk(t *testing.T) *nameDesk {
	st, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	m, err := mappers.Stock("unique-names")
	require.NoError(t, err)
	d := &nameDesk{ad: testtarget.New("ad"), app: testtarget.New("app")}
	d.acts = &Activities{Store: st, Targets: map[string]connectors.Target{"ad": d.ad, "app": d.app},
		UniqueNames: &UniqueNames{Mapper: m, MaxLength: 20}}
	return d
}

func person(id, given, sur string) profile.Profile {
	return profile.Profile{Fields: profile.Fields{profile.EmployeeID: id, profile.GivenName: given, profile.Surname: sur}}
}

// reserve runs ReserveAccountName as the worker does, so errors come back as Temporal sees
// them.
func (d *nameDesk) reserve(t *testing.T, p profile.Profile) (string, error) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: Interceptors(d.acts)})
	env.RegisterActivity(d.acts)
	v, err := env.ExecuteActivity(d.acts.ReserveAccountName, NameRequest{Profile: p, Targets: []string{"ad", "app"}})
	if err != nil {
		return "", err
	}
	var name string
	require.NoError(t, v.Get(&name))
	return name, nil
}

func TestReserveAccountName(t *testing.T) {
	d := newNameDesk(t)
	got, err := d.reserve(t, person("1001", "Jane", "Roe"))
	require.NoError(t, err)
	assert.Equal(t, "jane.roe", got)

	// The same person again (a retried activity, a second New Hire): the same name, no
	// target asked.
	calls := len(d.ad.Calls())
	got, err = d.reserve(t, person("1001", "Jane", "Roe"))
	require.NoError(t, err)
	assert.Equal(t, "jane.roe", got)
	assert.Len(t, d.ad.Calls(), calls)

	// Another Jane Roe: jane.roe is reserved, so she gets the next candidate.
	got, err = d.reserve(t, person("1002", "Jane", "Roe"))
	require.NoError(t, err)
	assert.Equal(t, "jane.roe2", got)

	// A name an account nobody reserved holds, in any target, is skipped.
	d.app.TakeName("jane.roe3", "hand-made user")
	d.ad.TakeName("jane.roe4", "CN=Jane Roe,OU=Old")
	got, err = d.reserve(t, person("1003", "Jane", "Roe"))
	require.NoError(t, err)
	assert.Equal(t, "jane.roe5", got)

	// Transliterated, with a middle initial tried before any counter.
	p := person("1004", "Åsa", "Ström")
	p.Fields["middlename"] = "Maria"
	d.ad.TakeName("asa.strom", "someone's")
	got, err = d.reserve(t, p)
	require.NoError(t, err)
	assert.Equal(t, "asa.m.strom", got)
}

// An account of the person's own (a retry after the create went through) does not hold
// the name against them.
func TestReserveAccountNameOwnAccountIsFree(t *testing.T) {
	d := newNameDesk(t)
	p := person("1001", "Jane", "Roe")
	p.AccountName = "jane.roe"
	_, err := d.ad.Create(t.Context(), p)
	require.NoError(t, err)
	got, err := d.reserve(t, person("1001", "Jane", "Roe"))
	require.NoError(t, err)
	assert.Equal(t, "jane.roe", got)

	got, err = d.reserve(t, person("1002", "Jane", "Roe"))
	require.NoError(t, err)
	assert.Equal(t, "jane.roe2", got, "held by 1001's account")
}

// Two same-name people at once get two names.
func TestReserveAccountNameConcurrently(t *testing.T) {
	d := newNameDesk(t)
	const n = 6
	names := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			names[i], err = d.reserve(t, person(string(rune('A'+i)), "Jane", "Roe"))
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.ElementsMatch(t, []string{"jane.roe", "jane.roe2", "jane.roe3", "jane.roe4", "jane.roe5", "jane.roe6"}, names)
}

func TestReserveAccountNameErrors(t *testing.T) {
	nonRetryable := func(t *testing.T, err error, typ, msg string) {
		t.Helper()
		var appErr *temporal.ApplicationError
		require.ErrorAs(t, err, &appErr)
		assert.True(t, appErr.NonRetryable())
		assert.Equal(t, typ, appErr.Type())
		assert.Contains(t, appErr.Message(), msg)
	}
	t.Run("every candidate taken", func(t *testing.T) {
		d := newNameDesk(t)
		names, err := mappers.AccountNames([]string{"jane.roe"}, 20)
		require.NoError(t, err)
		for _, n := range names {
			d.ad.TakeName(n, "someone")
		}
		_, err = d.reserve(t, person("1001", "Jane", "Roe"))
		nonRetryable(t, err, ErrTypeInvalid, "no free account name for employee 1001 among 99 candidates; taken: jane.roe (ad: someone)")
	})
	t.Run("a target down is retried", func(t *testing.T) {
		d := newNameDesk(t)
		d.app.FailNext(testtarget.OpCheckName, connectors.ErrUnavailable)
		_, err := d.reserve(t, person("1001", "Jane", "Roe"))
		var appErr *temporal.ApplicationError
		require.ErrorAs(t, err, &appErr)
		assert.False(t, appErr.NonRetryable())
		assert.Contains(t, err.Error(), `app: check account name "jane.roe"`)
		name, err := d.acts.Store.ReservedAccountName(t.Context(), "1001")
		require.NoError(t, err)
		assert.Empty(t, name, "nothing reserved")
	})
	t.Run("a target that cannot check names", func(t *testing.T) {
		d := newNameDesk(t)
		d.acts.Targets["app"] = struct{ connectors.Target }{d.app}
		_, err := d.reserve(t, person("1001", "Jane", "Roe"))
		nonRetryable(t, err, ErrTypeConfig, `instance "app" cannot check account names`)
	})
	t.Run("an unknown target", func(t *testing.T) {
		d := newNameDesk(t)
		delete(d.acts.Targets, "app")
		_, err := d.reserve(t, person("1001", "Jane", "Roe"))
		nonRetryable(t, err, ErrTypeConfig, `instance "app" is not a provisioning target this worker knows`)
	})
	t.Run("off on the worker", func(t *testing.T) {
		d := newNameDesk(t)
		d.acts.UniqueNames = nil
		_, err := d.reserve(t, person("1001", "Jane", "Roe"))
		nonRetryable(t, err, ErrTypeConfig, "provisioning.unique_names is off")
	})
	t.Run("no employee id", func(t *testing.T) {
		d := newNameDesk(t)
		_, err := d.reserve(t, person("", "Jane", "Roe"))
		nonRetryable(t, err, ErrTypeInvalid, "no employee id")
	})
	t.Run("a mapper without candidates", func(t *testing.T) {
		m, err := mappers.Parse("bad", []byte("fields: {login: email}"))
		require.NoError(t, err)
		assert.ErrorContains(t, RequireCandidates(m), "mapper bad has no username_candidates field")
		d := newNameDesk(t)
		d.acts.UniqueNames.Mapper = m
		_, err = d.reserve(t, person("1001", "Jane", "Roe"))
		nonRetryable(t, err, ErrTypeInvalid, "mapper bad, field username_candidates: want a list")
	})
}
