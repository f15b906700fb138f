package connectors

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
)

// book is an Accounts over a map of active flags, recording what the contract asked.
type book struct {
	active map[string]bool
	// owner is what an account says of whose it is; by default it stores its own key.
	owner map[string]Owner
	calls []string
	// written is the mapping each create and update wrote: "desired" (all) or "partial".
	written []string
	opts    UpdateOptions
	err     error
	// ownerErr fails AccountOwner, as a DC that cannot list an account's groups would.
	ownerErr error
	// names maps an account name to the account holding it, for FindByName.
	names map[string]string
}

func (b *book) FindByName(_ context.Context, p profile.Profile) (string, bool, error) {
	id, ok := b.names[p.AccountName]
	return id, ok, b.err
}

func (b *book) Desired(_ profile.Profile, partial bool) (string, error) {
	if partial {
		return "partial", nil
	}
	return "desired", nil
}

func (b *book) FindAccount(_ context.Context, p profile.Profile) (string, bool, error) {
	_, ok := b.active[p.EmployeeID()]
	return p.EmployeeID(), ok, b.err
}

func (b *book) CreateAccount(_ context.Context, p profile.Profile, d string, op Operation) (Result, error) {
	b.calls, b.written = append(b.calls, "create as "+string(op)), append(b.written, d)
	b.active[p.EmployeeID()] = true
	return Result{Action: op, Success: true}, nil
}

func (b *book) UpdateAccount(_ context.Context, d, id string, opts UpdateOptions) (Result, error) {
	b.calls, b.opts, b.written = append(b.calls, "update"), opts, append(b.written, d)
	return Result{Action: OpUpdate, Success: true, ID: id}, nil
}

func (b *book) DisableAccount(_ context.Context, id string) (Result, error) {
	b.calls = append(b.calls, "disable")
	b.active[id] = false
	return Result{Action: OpDisable, Success: true}, nil
}

func (b *book) DescribeAccount(id string) Result { return Result{ID: id, Active: b.active[id]} }

func (b *book) AccountOwner(_ context.Context, id string) (Owner, error) {
	if b.ownerErr != nil {
		return Owner{}, b.ownerErr
	}
	if o, ok := b.owner[id]; ok {
		return o, nil
	}
	return Owner{Account: "account " + id, EmployeeID: id}, nil
}

var person = profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001"}}

func contract(ops Operations) (Contract[string, string], *book) {
	b := &book{active: map[string]bool{}, owner: map[string]Owner{}, names: map[string]string{}}
	return Contract[string, string]{Instance: "app", Operations: ops, Accounts: b}, b
}

func TestContractSkipsWhatHasNothingToDo(t *testing.T) {
	c, b := contract(AllOperations)
	ctx := context.Background()
	for _, run := range []func() (Result, error){
		func() (Result, error) { return c.Get(ctx, person) },
		func() (Result, error) { return c.Update(ctx, person, UpdateOptions{}) },
		func() (Result, error) { return c.Disable(ctx, person) },
	} {
		res, err := run()
		require.NoError(t, err)
		assert.Equal(t, ReasonNoAccount, res.Reason)
		assert.True(t, res.Skipped && res.Success)
	}
	b.active["1001"] = false
	res, err := c.Disable(ctx, person)
	require.NoError(t, err)
	assert.Equal(t, ReasonAlreadyDisabled, res.Reason)
	assert.Equal(t, "1001", res.ID)
	assert.Empty(t, b.calls)
}

func TestContractCreatesAndUpdates(t *testing.T) {
	c, b := contract(AllOperations)
	ctx := context.Background()
	_, err := c.Update(ctx, person, UpdateOptions{CreateIfNotExists: true})
	require.NoError(t, err)
	res, err := c.Create(ctx, person)
	require.NoError(t, err)
	assert.Equal(t, OpCreate, res.Action, "a create of an existing account updates it, as a create")
	_, err = c.Disable(ctx, person)
	require.NoError(t, err)
	assert.Equal(t, []string{"create as update", "update", "disable"}, b.calls)

	c.CreateIfNotExists = true
	b.active = map[string]bool{}
	_, err = c.Update(ctx, person, UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "create as update", b.calls[3], "the instance's create_if_not_exists")
	assert.Equal(t, []string{"desired", "desired", "desired"}, b.written)
}

// A partial update writes only what the profile decides; a missing account is still created
// from the whole profile.
func TestContractPartialUpdate(t *testing.T) {
	c, b := contract(AllOperations)
	ctx := context.Background()
	_, err := c.Update(ctx, person, UpdateOptions{Partial: true, CreateIfNotExists: true})
	require.NoError(t, err)
	_, err = c.Update(ctx, person, UpdateOptions{Partial: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"create as update", "update"}, b.calls)
	assert.Equal(t, []string{"desired", "partial"}, b.written)
	assert.True(t, b.opts.Partial)
}

func TestContractHonoursTheOperationSwitches(t *testing.T) {
	c, b := contract(Operations{Update: true})
	ctx := context.Background()
	b.active["1001"] = false
	res, err := c.Create(ctx, person)
	require.NoError(t, err)
	assert.Equal(t, "create is turned off for this instance", res.Reason)
	res, err = c.Disable(ctx, person)
	require.NoError(t, err)
	assert.Equal(t, "disable is turned off for this instance", res.Reason)
	_, err = c.Update(ctx, person, UpdateOptions{AllowEnable: true})
	require.NoError(t, err)
	assert.False(t, b.opts.AllowEnable, "enable is off: an update never enables")

	delete(b.active, "1001")
	res, err = c.Update(ctx, person, UpdateOptions{CreateIfNotExists: true})
	require.NoError(t, err)
	assert.Equal(t, ReasonNoAccount, res.Reason, "create is off: no create through update either")
}

func TestContractReportsLookupFailures(t *testing.T) {
	c, b := contract(AllOperations)
	b.err = &CodedError{Class: ErrUnavailable, Code: "503", Message: "app down"}
	res, err := c.Update(context.Background(), person, UpdateOptions{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrUnavailable))
	assert.Equal(t, "503", res.ErrorCode)
	assert.Equal(t, "app", res.Instance)
}

// racer is a book whose account appears between the lookup and the create, which the
// system refuses as taken (created by someone else meanwhile).
type racer struct{ *book }

func (r racer) CreateAccount(_ context.Context, p profile.Profile, _ string, op Operation) (Result, error) {
	r.calls = append(r.calls, "create refused")
	r.active[p.EmployeeID()] = true
	return Result{Action: op}, &CodedError{Class: ErrAlreadyExists, Code: "409", Message: "userName taken"}
}

func TestContractConvergesOnARefusedCreate(t *testing.T) {
	b := &book{active: map[string]bool{}, owner: map[string]Owner{}, names: map[string]string{}}
	c := Contract[string, string]{Instance: "app", Operations: AllOperations, Accounts: racer{b}}
	res, err := c.Create(context.Background(), person)
	require.NoError(t, err)
	assert.Equal(t, OpCreate, res.Action)
	assert.Equal(t, "1001", res.ID)
	assert.Equal(t, []string{"create refused", "update"}, b.calls)
}

// A refusal with no account behind it, or an unavailable system, stands.
func TestContractKeepsOtherCreateFailures(t *testing.T) {
	b := &book{active: map[string]bool{}, owner: map[string]Owner{}, names: map[string]string{}}
	down := Contract[string, string]{Instance: "app", Operations: AllOperations, Accounts: unavailable{b}}
	_, err := down.Create(context.Background(), person)
	assert.True(t, errors.Is(err, ErrUnavailable))
	assert.Equal(t, []string{"create down"}, b.calls, "an unavailable system is not asked again")

	invalid := Contract[string, string]{Instance: "app", Operations: AllOperations, Accounts: refuser{b}}
	res, err := invalid.Create(context.Background(), person)
	assert.True(t, errors.Is(err, ErrInvalid))
	assert.Equal(t, "400", res.ErrorCode)
	assert.Equal(t, []string{"create down", "create refused"}, b.calls, "nothing found: no update")
}

type refuser struct{ *book }

func (r refuser) CreateAccount(_ context.Context, _ profile.Profile, _ string, op Operation) (Result, error) {
	r.calls = append(r.calls, "create refused")
	err := &CodedError{Class: ErrInvalid, Code: "400", Message: "email is malformed"}
	return Failure("app", op, err), err
}

type unavailable struct{ *book }

func (u unavailable) CreateAccount(context.Context, profile.Profile, string, Operation) (Result, error) {
	u.calls = append(u.calls, "create down")
	return Result{}, &CodedError{Class: ErrUnavailable, Message: "503"}
}

// TestContractWritesOnlyAccountsBoundToThePerson is the account-takeover case: a lookup by
// login or email finds an account that stores no employee id, another person's, or an
// administrator's. No write may touch it, whatever the operation.
func TestContractWritesOnlyAccountsBoundToThePerson(t *testing.T) {
	ctx := context.Background()
	writes := map[string]func(Contract[string, string]) (Result, error){
		"create": func(c Contract[string, string]) (Result, error) { return c.Create(ctx, person) },
		"update": func(c Contract[string, string]) (Result, error) {
			return c.Update(ctx, person, UpdateOptions{AllowEnable: true})
		},
		"disable": func(c Contract[string, string]) (Result, error) { return c.Disable(ctx, person) },
	}
	for _, tc := range []struct {
		name  string
		owner Owner
		adopt bool
		want  string
	}{
		{"unlinked", Owner{Account: "jdoe"}, false, "jdoe stores no employee id"},
		{"another person's", Owner{Account: "jdoe", EmployeeID: "1002"}, true, "jdoe belongs to employee 1002, not 1001"},
		{"protected and unlinked", Owner{Account: "Administrator", Protected: "adminCount=1"}, true, "Administrator is protected (adminCount=1)"},
		{"protected even when linked", Owner{Account: "Administrator", EmployeeID: "1001", Protected: "well-known RID 500"}, true, "is protected"},
	} {
		for op, write := range writes {
			t.Run(tc.name+"/"+op, func(t *testing.T) {
				c, b := contract(AllOperations)
				c.Binding.AdoptUnlinked = tc.adopt
				b.active["1001"], b.owner["1001"] = true, tc.owner
				res, err := write(c)
				require.ErrorIs(t, err, ErrNotOwned)
				assert.ErrorContains(t, err, tc.want)
				assert.False(t, Retryable(err), "a takeover refusal is final: the incident goes to review")
				assert.False(t, res.Success)
				assert.Empty(t, b.calls, "nothing was written")
			})
		}
	}
}

// When whose the account is cannot be read, nothing is written: the failure stands, as it is.
func TestContractWritesNothingWhenTheOwnerCannotBeRead(t *testing.T) {
	c, b := contract(AllOperations)
	b.active["1001"] = true
	b.ownerErr = &CodedError{Class: ErrUnavailable, Message: "groups unreadable"}
	res, err := c.Disable(context.Background(), person)
	require.ErrorIs(t, err, ErrUnavailable)
	assert.False(t, res.Success)
	assert.Empty(t, b.calls)
}

func TestContractAdoptsUnlinkedAccountsOnlyWhenTheInstanceOptsIn(t *testing.T) {
	c, b := contract(AllOperations)
	c.Binding.AdoptUnlinked = true
	b.active["1001"], b.owner["1001"] = true, Owner{Account: "jdoe"}
	_, err := c.Update(context.Background(), person, UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"update"}, b.calls)
}

// A create the system refuses as taken converges on the account only when it is the person's.
func TestContractCreateConvergesOnlyOnTheAccountOfThePerson(t *testing.T) {
	c, b := contract(AllOperations)
	refusing := &refusingCreate{book: b, taken: Owner{Account: "administrator@example.test"}}
	c.Accounts = refusing
	_, err := c.Create(context.Background(), person)
	require.ErrorIs(t, err, ErrNotOwned)
	assert.Equal(t, []string{"create as create"}, b.calls, "no update of the account that took the name")
}

// refusingCreate finds nothing, then refuses the create because an unlinked account holds the
// name; a second lookup finds that account.
type refusingCreate struct {
	*book
	taken   Owner
	created bool
}

func (r *refusingCreate) FindAccount(_ context.Context, p profile.Profile) (string, bool, error) {
	return "taken", r.created, nil
}

func (r *refusingCreate) CreateAccount(_ context.Context, _ profile.Profile, _ string, op Operation) (Result, error) {
	r.calls, r.created = append(r.calls, "create as "+string(op)), true
	return Result{Action: op}, &CodedError{Class: ErrAlreadyExists, Message: "name taken"}
}

func (r *refusingCreate) AccountOwner(context.Context, string) (Owner, error) { return r.taken, nil }

func TestContractRefusesWritesForAProfileWithoutEmployeeID(t *testing.T) {
	c, b := contract(AllOperations)
	noID := profile.Profile{Fields: profile.Fields{profile.Email: "x@example.test"}}
	for _, write := range []func() (Result, error){
		func() (Result, error) { return c.Create(context.Background(), noID) },
		func() (Result, error) { return c.Update(context.Background(), noID, UpdateOptions{}) },
		func() (Result, error) { return c.Disable(context.Background(), noID) },
	} {
		_, err := write()
		require.ErrorIs(t, err, ErrInvalid)
		assert.ErrorContains(t, err, "no employee id")
	}
	assert.Empty(t, b.calls)
}

// TestContractNameHolder: a name is free when no account holds it or the person's own does;
// any other account holds it, an unlinked one too, even where writes may adopt unlinked
// accounts.
func TestContractNameHolder(t *testing.T) {
	c, b := contract(AllOperations)
	c.Binding = Binding{AdoptUnlinked: true}
	ctx := context.Background()
	jane := profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001"}, AccountName: "jane.roe"}

	holder, err := c.NameHolder(ctx, jane)
	require.NoError(t, err)
	assert.Empty(t, holder, "nobody holds it")

	b.names["jane.roe"] = "1001"
	holder, err = c.NameHolder(ctx, jane)
	require.NoError(t, err)
	assert.Empty(t, holder, "the person's own account")

	b.names["jane.roe"] = "other"
	for _, o := range []Owner{
		{Account: "account of 1002", EmployeeID: "1002"},
		{Account: "hand-made account"},
		{Account: "admin account", EmployeeID: "1001", Protected: "an administrator"},
	} {
		b.owner["other"] = o
		holder, err = c.NameHolder(ctx, jane)
		require.NoError(t, err)
		assert.Equal(t, o.Account, holder)
	}

	b.err = errors.New("directory down")
	_, err = c.NameHolder(ctx, jane)
	assert.ErrorContains(t, err, "directory down")

	_, err = c.NameHolder(ctx, profile.Profile{AccountName: "x"})
	assert.ErrorIs(t, err, ErrInvalid, "a profile without employee id has no name to check")
}
