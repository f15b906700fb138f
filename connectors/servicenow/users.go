package servicenow

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// desired is what the mapper makes of a profile: the fields to write, "" to empty one.
type desired map[string]string

// Desired maps p: every mapped field, or when partial only those p's fields decide
// (connectors.Accounts). The match field is never emptied.
func (c *Client) Desired(p profile.Profile, partial bool) (desired, error) {
	return connectors.Mapping{Mapper: c.cfg.Mapper}.Desired(p, partial, c.cfg.MatchField)
}

// FindAccount returns p's sys_user record (connectors.Accounts): by the mapped match field,
// then by the person's old value of it (a rename), then by the employee id it stores. Two
// records with one value are an error: ILM will not guess.
func (c *Client) FindAccount(ctx context.Context, p profile.Profile) (record, bool, error) {
	return c.find(ctx, p, true)
}

// FindByName finds the user holding the mapped match field, never by the old values of a
// renamed person nor by employee id (connectors.Accounts).
func (c *Client) FindByName(ctx context.Context, p profile.Profile) (record, bool, error) {
	p.OldUserData = nil
	return c.find(ctx, p, false)
}

// find is FindAccount, by the employee id too when byEmployeeID.
func (c *Client) find(ctx context.Context, p profile.Profile, byEmployeeID bool) (record, bool, error) {
	d, err := connectors.Mapping{Mapper: c.cfg.Mapper}.Lookup(p, c.cfg.MatchField, EmployeeIDField)
	if err != nil {
		return nil, false, err
	}
	old := p.OldUserData.Get(profile.Email)
	if c.cfg.MatchField == MatchUserName {
		old = p.OldUserData.Get(profile.Username)
		if old == "" {
			// The stock mapper's user_name falls back to the email; so may the old one.
			old = p.OldUserData.Get(profile.Email)
		}
	}
	type key struct{ field, value string }
	keys := []key{{c.cfg.MatchField, d[c.cfg.MatchField]}}
	if !strings.EqualFold(old, keys[0].value) {
		keys = append(keys, key{c.cfg.MatchField, old})
	}
	if byEmployeeID {
		keys = append(keys, key{EmployeeIDField, d[EmployeeIDField]})
	}
	for _, k := range keys {
		if k.value == "" {
			continue
		}
		recs, err := c.findUsers(ctx, k.field, k.value)
		switch {
		case err != nil:
			return nil, false, err
		case len(recs) > 1:
			return nil, false, connectors.Invalid("find user by %s %q: ambiguous, more than one sys_user record has it", k.field, k.value)
		case len(recs) == 1:
			return recs[0], true, nil
		}
	}
	return nil, false, nil
}

// EmployeeIDField is the sys_user field that binds a user to a person: the stock
// servicenow-outgoing mapper writes the employee id there.
const EmployeeIDField = "employee_number"

// AccountOwner reads the employee id the user stores (connectors.Accounts).
func (c *Client) AccountOwner(_ context.Context, r record) (connectors.Owner, error) {
	return connectors.Owner{Account: fmt.Sprintf("sys_user %s (%s)", r.get("user_name"), r.get("sys_id")),
		EmployeeID: r.get(EmployeeIDField)}, nil
}

// result is the success of op on r.
func (c *Client) result(op connectors.Operation, r record) connectors.Result {
	return connectors.Result{Instance: c.cfg.Instance, Action: op, Success: true, Active: r.active(),
		ID: r.get("sys_id"), Username: r.get("user_name"), Email: r.get("email")}
}

// DescribeAccount reports the user with the record's fields.
func (c *Client) DescribeAccount(r record) connectors.Result {
	res := c.result(connectors.OpGet, r)
	res.Details = map[string]any{"record": r.values()}
	return res
}

// CreateAccount creates p's user from d (connectors.Contract converges on a conflict).
func (c *Client) CreateAccount(ctx context.Context, p profile.Profile, d desired, op connectors.Operation) (connectors.Result, error) {
	body := map[string]string{"active": "true"}
	for k, v := range d {
		if v != "" {
			body[k] = v
		}
	}
	var created record
	err := c.do(ctx, http.MethodPost, userPath, c.writeParams(), body, &created, "create user "+d[c.cfg.MatchField])
	if err != nil {
		return c.fail(op, err)
	}
	return c.result(op, created), nil
}

// UpdateAccount enables r when allowed and asked, then sends the mapped fields that differ, so
// fields ILM does not map are left alone and an unchanged user costs no write. A field
// counts as unchanged when the mapped text equals its value or its display value (a
// reference such as department reads back as a sys_id with a display name).
func (c *Client) UpdateAccount(ctx context.Context, d desired, r record, opts connectors.UpdateOptions) (connectors.Result, error) {
	id := r.get("sys_id")
	enabled := false
	if opts.AllowEnable && !r.active() {
		var after record
		if err := c.patch(ctx, id, map[string]string{"active": "true", "locked_out": "false"}, &after, "enable user "+r.get("user_name")); err != nil {
			return c.fail(connectors.OpUpdate, err)
		}
		r, enabled = after, true
	}
	changes := map[string]string{}
	for k, v := range d {
		if cur := r[k]; v != cur.Value && v != cur.Display {
			// A value HR cleared is sent as "", which empties the field.
			changes[k] = v
		}
	}
	if len(changes) > 0 {
		if err := c.patch(ctx, id, changes, &r, "update user "+r.get("user_name")); err != nil {
			return c.fail(connectors.OpUpdate, err)
		}
	}
	res := c.result(connectors.OpUpdate, r)
	if enabled || len(changes) > 0 {
		res.Details = map[string]any{"changed_attributes": profile.SortedKeys(changes), "enabled": enabled}
	}
	return res, nil
}

func (c *Client) patch(ctx context.Context, sysID string, body map[string]string, out *record, what string) error {
	return c.do(ctx, http.MethodPatch, userPath+"/"+url.PathEscape(sysID), c.writeParams(), body, out, what)
}

// DisableAccount deactivates and locks out r; a user gone meanwhile is skipped.
func (c *Client) DisableAccount(ctx context.Context, r record) (connectors.Result, error) {
	var disabled record
	err := c.patch(ctx, r.get("sys_id"), map[string]string{"active": "false", "locked_out": "true"}, &disabled,
		fmt.Sprintf("disable user %s", r.get("user_name")))
	if hasStatus(err, http.StatusNotFound) {
		return c.skip(connectors.OpDisable, connectors.ReasonNoAccount)
	}
	if err != nil {
		return c.fail(connectors.OpDisable, err)
	}
	return c.result(connectors.OpDisable, disabled), nil
}
