// Package testtarget is an in-memory provisioning target (and activator) that keeps the connector contract
// (SPEC §1), for tests of workflows and pollers before real connectors are involved.
package testtarget

import (
	"context"
	"sync"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// Account is what the target holds for one person.
type Account struct {
	Fields profile.Fields
	Active bool
	// Password is the last password set, kept so tests can compare it with what was mailed.
	Password string
	// AccountName is the reserved name the last write carried (profile.AccountName).
	AccountName string
}

// Memory is a target keyed by employee id. Safe for concurrent use.
type Memory struct {
	Name string
	// CreateIfNotExists is the instance setting: Update creates a missing account.
	CreateIfNotExists bool

	mu       sync.Mutex
	accounts map[string]Account
	calls    []connectors.Operation
	failures map[connectors.Operation][]error
	gate     chan struct{}
	held     int // calls that waited at gate
	// taken are names held by accounts ILM does not know, by name.
	taken map[string]string
}

// New returns an empty target called name.
func New(name string) *Memory {
	return &Memory{Name: name, accounts: map[string]Account{}, failures: map[connectors.Operation][]error{}, taken: map[string]string{}}
}

// OpCheckName is how Calls and FailNext name NameHolder.
const OpCheckName connectors.Operation = "check-name"

// TakeName makes an account ILM does not know (called account, in messages) hold name.
func (m *Memory) TakeName(name, account string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.taken[name] = account
}

// NameHolder returns the account holding p.AccountName: one TakeName made, or another
// person's (connectors.NameChecker).
func (m *Memory) NameHolder(ctx context.Context, p profile.Profile) (string, error) {
	if err := m.begin(ctx, OpCheckName); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if account, ok := m.taken[p.AccountName]; ok {
		return account, nil
	}
	for id, a := range m.accounts {
		if a.AccountName == p.AccountName && id != p.EmployeeID() {
			return "account of " + id, nil
		}
	}
	return "", nil
}

// FailNext makes the next calls of op return errs, one each, in order.
func (m *Memory) FailNext(op connectors.Operation, errs ...error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failures[op] = append(m.failures[op], errs...)
}

// Hold makes every call wait until Release.
func (m *Memory) Hold() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gate = make(chan struct{})
}

// Release lets held calls go on.
// Held says how many calls have waited at the gate of Hold, released or not.
func (m *Memory) Held() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.held
}

func (m *Memory) Release() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gate != nil {
		close(m.gate)
		m.gate = nil
	}
}

// Account returns the account of an employee.
func (m *Memory) Account(employeeID string) (Account, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[employeeID]
	return a, ok
}

// Calls returns the operations called so far, in order.
func (m *Memory) Calls() []connectors.Operation {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]connectors.Operation(nil), m.calls...)
}

func (m *Memory) begin(ctx context.Context, op connectors.Operation) error {
	m.mu.Lock()
	gate := m.gate
	if gate != nil {
		m.held++
	}
	m.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, op)
	if errs := m.failures[op]; len(errs) > 0 {
		m.failures[op] = errs[1:]
		return errs[0]
	}
	return nil
}

func (m *Memory) result(op connectors.Operation, id string, a Account) connectors.Result {
	return connectors.Result{Instance: m.Name, Action: op, Success: true, Active: a.Active, ID: id,
		Username: a.Fields.Get(profile.Username), Email: a.Fields.Get(profile.Email)}
}

// Get returns the account; a missing one is skipped with reason "User does not exist".
func (m *Memory) Get(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	if err := m.begin(ctx, connectors.OpGet); err != nil {
		return connectors.Result{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[p.EmployeeID()]
	if !ok {
		return connectors.Skip(m.Name, connectors.OpGet, "User does not exist"), nil
	}
	return m.result(connectors.OpGet, p.EmployeeID(), a), nil
}

// Create creates a disabled account, or updates an existing one.
func (m *Memory) Create(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	if err := m.begin(ctx, connectors.OpCreate); err != nil {
		return connectors.Result{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[p.EmployeeID()]
	a.Fields, a.AccountName = p.Fields.Clone(), p.AccountName
	m.accounts[p.EmployeeID()] = a
	res := m.result(connectors.OpCreate, p.EmployeeID(), a)
	if ok {
		res.Reason = "already exists: updated"
	}
	return res, nil
}

// Update updates an account; a missing one is created only with CreateIfNotExists (the
// option or the instance setting).
func (m *Memory) Update(ctx context.Context, p profile.Profile, opts connectors.UpdateOptions) (connectors.Result, error) {
	if err := m.begin(ctx, connectors.OpUpdate); err != nil {
		return connectors.Result{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[p.EmployeeID()]
	if !ok && !opts.CreateIfNotExists && !m.CreateIfNotExists {
		return connectors.Skip(m.Name, connectors.OpUpdate, "User does not exist"), nil
	}
	a.Fields, a.AccountName = p.Fields.Clone(), p.AccountName
	if opts.AllowEnable {
		a.Active = true
	}
	m.accounts[p.EmployeeID()] = a
	return m.result(connectors.OpUpdate, p.EmployeeID(), a), nil
}

// Disable disables an account; missing or already disabled ones are skipped.
func (m *Memory) Disable(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	return m.change(ctx, connectors.OpDisable, p, true, func(a *Account) string {
		if !a.Active {
			return "User is already disabled"
		}
		a.Active = false
		return ""
	})
}

// Enable enables an account; an enabled one is skipped, a missing one is ErrNotFound.
func (m *Memory) Enable(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	return m.change(ctx, connectors.OpEnable, p, false, func(a *Account) string {
		if a.Active {
			return "User is already enabled"
		}
		a.Active = true
		return ""
	})
}

// SetPassword sets a disabled account's password; an enabled one is skipped, a missing one is
// ErrNotFound.
func (m *Memory) SetPassword(ctx context.Context, p profile.Profile, password string) (connectors.Result, error) {
	return m.change(ctx, connectors.OpSetPassword, p, false, func(a *Account) string {
		if a.Active {
			return connectors.ReasonEnabledNoReset
		}
		a.Password = password
		return ""
	})
}

// change runs op on p's existing account: fn changes it, or returns why it is skipped. A
// missing account is skipped when skipMissing, else ErrNotFound.
func (m *Memory) change(ctx context.Context, op connectors.Operation, p profile.Profile, skipMissing bool, fn func(*Account) string) (connectors.Result, error) {
	if err := m.begin(ctx, op); err != nil {
		return connectors.Result{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[p.EmployeeID()]
	switch {
	case !ok && skipMissing:
		return connectors.Skip(m.Name, op, "User does not exist"), nil
	case !ok:
		return connectors.Result{}, connectors.ErrNotFound
	}
	if reason := fn(&a); reason != "" {
		return connectors.Skip(m.Name, op, reason), nil
	}
	m.accounts[p.EmployeeID()] = a
	return m.result(op, p.EmployeeID(), a), nil
}
