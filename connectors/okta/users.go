package okta

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// Okta user statuses (UserStatus in the spec).
const (
	StatusActive        = "ACTIVE"
	StatusStaged        = "STAGED"
	StatusDeprovisioned = "DEPROVISIONED"
	StatusSuspended     = "SUSPENDED"
)

// User is the part of an Okta user the connector reads.
type User struct {
	ID      string         `json:"id"`
	Status  string         `json:"status"`
	Login   string         `json:"login"`
	Profile map[string]any `json:"profile"`
}

// Active says whether the user can sign in (or will, once they set a password: PROVISIONED).
func (u User) Active() bool {
	switch u.Status {
	case StatusDeprovisioned, StatusSuspended, StatusStaged:
		return false
	}
	return true
}

func fromSDK(u *okta.User) User {
	out := User{ID: u.Id, Status: u.Status}
	if u.Profile != nil {
		out.Profile = map[string]any(*u.Profile)
		out.Login, _ = out.Profile["login"].(string)
	}
	return out
}

// desired is what the mapper makes of a profile: the attributes to write, "" to clear one.
type desired map[string]string

// Desired maps p: every mapped attribute, or when partial only those p's fields decide
// (connectors.Accounts). A login is never cleared.
func (c *Client) Desired(p profile.Profile, partial bool) (desired, error) {
	return connectors.Mapping{Mapper: c.cfg.Mapper}.Desired(p, partial, "login")
}

// GetUser returns the user with the id or login; ErrNotFound when there is none.
func (c *Client) GetUser(ctx context.Context, idOrLogin string) (User, error) {
	ctx = withRateNote(ctx)
	u, resp, err := c.sdk.User.GetUser(ctx, url.PathEscape(idOrLogin))
	if err != nil {
		return User{}, classify(ctx, "get user "+idOrLogin, resp, err)
	}
	return fromSDK(u), nil
}

// FindAccount returns p's Okta user (connectors.Accounts): by the mapped login, then the
// email, then the old username and email of a renamed person, then by the employee id the
// user stores (a search, Okta's one lookup that is not by id or login). found is false when
// there is none.
func (c *Client) FindAccount(ctx context.Context, p profile.Profile) (User, bool, error) {
	return c.find(ctx, p, true)
}

// FindByName finds the user holding the mapped login or email, never by the old values of
// a renamed person nor by employee id (connectors.Accounts).
func (c *Client) FindByName(ctx context.Context, p profile.Profile) (User, bool, error) {
	p.OldUserData = nil
	return c.find(ctx, p, false)
}

// find is FindAccount, by the employee id too when byEmployeeID.
func (c *Client) find(ctx context.Context, p profile.Profile, byEmployeeID bool) (User, bool, error) {
	d, err := connectors.Mapping{Mapper: c.cfg.Mapper}.Lookup(p, "login", "email", EmployeeIDAttribute)
	if err != nil {
		return User{}, false, err
	}
	var keys []string
	seen := map[string]bool{}
	for _, k := range []string{d["login"], d["email"], p.OldUserData.Get(profile.Username), p.OldUserData.Get(profile.Email)} {
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		u, err := c.GetUser(ctx, k)
		switch {
		case err == nil:
			return u, true, nil
		case !isNotFound(err):
			return User{}, false, err
		}
	}
	if id := d[EmployeeIDAttribute]; byEmployeeID && id != "" {
		return c.findByEmployeeID(ctx, id)
	}
	return User{}, false, nil
}

// findByEmployeeID searches the users whose profile stores the employee id. Two are an
// error: ILM will not guess.
func (c *Client) findByEmployeeID(ctx context.Context, id string) (User, bool, error) {
	ctx = withRateNote(ctx)
	search := fmt.Sprintf("profile.%s eq %s", EmployeeIDAttribute, strconv.Quote(id))
	users, resp, err := c.sdk.User.ListUsers(ctx, query.NewQueryParams(query.WithSearch(search), query.WithLimit(2)))
	switch {
	case err != nil:
		return User{}, false, classify(ctx, "search users by "+EmployeeIDAttribute, resp, err)
	case len(users) > 1:
		return User{}, false, connectors.Invalid("more than one Okta user has %s %q", EmployeeIDAttribute, id)
	case len(users) == 0:
		return User{}, false, nil
	}
	return fromSDK(users[0]), true, nil
}

func isNotFound(err error) bool {
	ce, ok := err.(*connectors.CodedError)
	return ok && ce.Class == connectors.ErrNotFound
}

// EmployeeIDAttribute is the Okta profile attribute that binds a user to a person: the stock
// okta-outgoing mapper writes the employee id there.
const EmployeeIDAttribute = "employeeNumber"

// AccountOwner reads the employee id the user stores (connectors.Accounts).
func (c *Client) AccountOwner(_ context.Context, u User) (connectors.Owner, error) {
	id, _ := u.Profile[EmployeeIDAttribute].(string)
	return connectors.Owner{Account: fmt.Sprintf("Okta user %s (%s)", u.Login, u.ID), EmployeeID: id}, nil
}

// result is the success of op on u.
func (c *Client) result(op connectors.Operation, u User) connectors.Result {
	email, _ := u.Profile["email"].(string)
	return connectors.Result{Instance: c.cfg.Instance, Action: op, Success: true, Active: u.Active(),
		ID: u.ID, Username: u.Login, Email: email}
}

// DescribeAccount reports the user with its status and profile.
func (c *Client) DescribeAccount(u User) connectors.Result {
	res := c.result(connectors.OpGet, u)
	res.Details = map[string]any{"status": u.Status, "profile": u.Profile}
	return res
}

// CreateAccount creates p's user from d (connectors.Contract converges on a conflict).
func (c *Client) CreateAccount(ctx context.Context, p profile.Profile, d desired, op connectors.Operation) (connectors.Result, error) {
	prof := okta.UserProfile{}
	for k, v := range d {
		if v != "" {
			prof[k] = v
		}
	}
	ctx = withRateNote(ctx)
	created, resp, err := c.sdk.User.CreateUser(ctx, okta.CreateUserRequest{Profile: &prof}, query.NewQueryParams(query.WithActivate(true)))
	if err != nil {
		return c.fail(op, classify(ctx, "create user "+d["login"], resp, err))
	}
	return c.result(op, fromSDK(created)), nil
}

// UpdateAccount enables u when allowed and asked, then sends the mapped attributes that differ
// (a partial update, so attributes ILM does not map are left alone). Nothing differing
// means no request, so Okta logs no profile update that App Sync would act on.
func (c *Client) UpdateAccount(ctx context.Context, d desired, u User, opts connectors.UpdateOptions) (connectors.Result, error) {
	var err error
	if opts.AllowEnable && !u.Active() {
		if u, err = c.enable(ctx, u); err != nil {
			return c.fail(connectors.OpUpdate, err)
		}
	}
	changes := okta.UserProfile{}
	for k, v := range d {
		cur := ""
		if x, ok := u.Profile[k]; ok && x != nil {
			cur = fmt.Sprint(x)
		}
		if cur == v {
			continue
		}
		// A value HR cleared is sent as "": the spec lets only some profile attributes be
		// null (department and employeeNumber may not), and every one be a string.
		changes[k] = v
	}
	if len(changes) == 0 {
		return c.result(connectors.OpUpdate, u), nil
	}
	ctx = withRateNote(ctx)
	updated, resp, err := c.sdk.User.PartialUpdateUser(ctx, u.ID, okta.User{Profile: &changes}, nil)
	if err != nil {
		return c.fail(connectors.OpUpdate, classify(ctx, "update user "+u.Login, resp, err))
	}
	res := c.result(connectors.OpUpdate, fromSDK(updated))
	res.Details = map[string]any{"changed_attributes": sortedKeys(changes)}
	return res, nil
}

// enable brings a deactivated, staged or suspended user back to ACTIVE, without Okta's
// activation email: ILM's own flows tell the person.
func (c *Client) enable(ctx context.Context, u User) (User, error) {
	ctx = withRateNote(ctx)
	var resp *okta.Response
	var err error
	switch u.Status {
	case StatusSuspended:
		resp, err = c.sdk.User.UnsuspendUser(ctx, u.ID)
	default:
		_, resp, err = c.sdk.User.ActivateUser(ctx, u.ID, query.NewQueryParams(query.WithSendEmail(false)))
		if hasCode(err, codeAlreadyActive) {
			err = nil
		}
	}
	if err != nil {
		return u, classify(ctx, "enable user "+u.Login, resp, err)
	}
	u.Status = StatusActive
	return u, nil
}

// DisableAccount deactivates u; a user gone meanwhile is skipped.
func (c *Client) DisableAccount(ctx context.Context, u User) (connectors.Result, error) {
	ctx = withRateNote(ctx)
	resp, err := c.sdk.User.DeactivateUser(ctx, u.ID, query.NewQueryParams(query.WithSendEmail(false)))
	if hasCode(err, codeNotFound) {
		return c.skip(connectors.OpDisable, connectors.ReasonNoAccount)
	}
	if err != nil {
		return c.fail(connectors.OpDisable, classify(ctx, "deactivate user "+u.Login, resp, err))
	}
	u.Status = StatusDeprovisioned
	return c.result(connectors.OpDisable, u), nil
}

func sortedKeys(m okta.UserProfile) []string {
	return profile.SortedKeys(map[string]any(m))
}
