package activedirectory

import (
	"context"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// contract is connectors.Contract over one session.
type contract = connectors.Contract[desired, *account]

// session is one operation's use of the directory, and the connectors.Accounts the contract
// runs on. The contract calls FindAccount, AccountOwner, then CreateAccount, UpdateAccount or
// DisableAccount — and FindAccount again when a refused create converges — as separate
// calls; a session gives them all one bound connection. The first call that needs the
// directory takes it from the pool (an operation switched off, or a profile the mapper
// refuses, never dials), and run gives it back when the operation returns, whichever way it
// returns.
//
// The scope is the operation, not the account: an account carrying its connection would
// leave nobody to close it when the lookup finds nothing or the binding rule refuses what it
// found, and a release hook in connectors.Contract would be a duty for every connector that
// only this one needs.
type session struct {
	t *Target
	// c is the connection, nil until the first call that needs it; an account found was
	// found over it, so a caller holding one may use c.
	c conn
}

var _ connectors.Accounts[desired, *account] = (*session)(nil)

// conn returns the session's connection, taking it from the pool on first use.
func (s *session) conn(ctx context.Context) (conn, error) {
	if s.c == nil {
		c, err := s.t.conns.get(ctx, s.t.timeout(ctx))
		if err != nil {
			return nil, err
		}
		s.c = c
	}
	return s.c, nil
}

func (s *session) close() {
	if s.c != nil {
		_ = s.c.Close()
		s.c = nil
	}
}

// run runs one operation on a new session and gives its connection back afterwards.
func (t *Target) run(op func(contract, *session) (connectors.Result, error)) (connectors.Result, error) {
	s := &session{t: t}
	defer s.close()
	return op(contract{Instance: t.cfg.Instance, Operations: t.cfg.Operations,
		CreateIfNotExists: t.cfg.CreateIfNotExists, Binding: t.cfg.Binding, Accounts: s}, s)
}

// Get returns p's account, found by employeeID, sAMAccountName or mail (connectors.Contract).
func (t *Target) Get(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	return t.run(func(c contract, _ *session) (connectors.Result, error) { return c.Get(ctx, p) })
}

// Create creates p's account, disabled, in the OU the mapper computes (connectors.Contract).
func (t *Target) Create(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	return t.run(func(c contract, _ *session) (connectors.Result, error) { return c.Create(ctx, p) })
}

// Update brings p's account in line with the mapper, renaming and moving it when its CN or
// OU changed (connectors.Contract).
func (t *Target) Update(ctx context.Context, p profile.Profile, opts connectors.UpdateOptions) (connectors.Result, error) {
	return t.run(func(c contract, _ *session) (connectors.Result, error) { return c.Update(ctx, p, opts) })
}

// NameHolder returns the account holding the sAMAccountName or mail p maps to, unless it
// is p's own (connectors.NameChecker).
func (t *Target) NameHolder(ctx context.Context, p profile.Profile) (string, error) {
	var holder string
	_, err := t.run(func(c contract, _ *session) (connectors.Result, error) {
		var err error
		holder, err = c.NameHolder(ctx, p)
		return connectors.Result{}, err
	})
	return holder, err
}

// Disable disables p's account and adds it to the disabled-users group when one is
// configured (connectors.Contract).
func (t *Target) Disable(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	return t.run(func(c contract, _ *session) (connectors.Result, error) { return c.Disable(ctx, p) })
}
