package scim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// Desired maps p: every mapped attribute, or when partial only those p's fields decide
// (connectors.Accounts). A userName is never cleared.
func (c *Client) Desired(p profile.Profile, partial bool) (desired, error) {
	return connectors.Mapping{Mapper: c.cfg.Mapper}.Desired(p, partial, keyUser)
}

// filterValue quotes a filter value as RFC 7644 §3.4.2.2 wants: a JSON string. Control
// characters must be escaped there too: a raw tab or newline makes the filter unparsable.
func filterValue(v string) string { return `"` + filterEscaper.Replace(v) + `"` }

// filterEscaper writes control characters as \u00XX with upper-case hex digits, which
// strict parsers (scim2/filter-parser) require.
var filterEscaper = strings.NewReplacer(filterEscapes()...)

func filterEscapes() []string {
	pairs := []string{`\`, `\\`, `"`, `\"`}
	for c := rune(0); c < 0x20; c++ {
		pairs = append(pairs, string(c), fmt.Sprintf(`\u%04X`, c))
	}
	return pairs
}

// lookup returns the user whose attribute equals value; ok is false when there is none (an
// empty list, or a 404, which some apps answer instead).
func (c *Client) lookup(ctx context.Context, attr, value string) (resource, bool, error) {
	q := url.Values{"filter": {attr + " eq " + filterValue(value)}, "startIndex": {"1"}, "count": {"2"}}
	var list struct {
		TotalResults int        `json:"totalResults"`
		Resources    []resource `json:"Resources"`
	}
	err := c.do(ctx, http.MethodGet, "/Users?"+q.Encode(), nil, &list)
	switch {
	case errors.Is(err, connectors.ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	case len(list.Resources) == 0:
		return nil, false, nil
	case len(list.Resources) > 1:
		return nil, false, connectors.Invalid("%s eq %s matches %d users in %s", attr, filterValue(value), list.TotalResults, c.cfg.Instance)
	}
	return list.Resources[0], true, nil
}

// FindAccount returns p's user (connectors.Accounts).
func (c *Client) FindAccount(ctx context.Context, p profile.Profile) (resource, bool, error) {
	return c.find(ctx, p)
}

// find returns p's user: by the mapped userName, then the mapped externalId, then the old
// username and email of a renamed person.
func (c *Client) find(ctx context.Context, p profile.Profile) (resource, bool, error) {
	d, err := connectors.Mapping{Mapper: c.cfg.Mapper}.Lookup(p, keyUser, EmployeeIDAttribute)
	if err != nil {
		return nil, false, err
	}
	type key struct{ attr, value string }
	keys := []key{{keyUser, d[keyUser]}, {EmployeeIDAttribute, d[EmployeeIDAttribute]},
		{keyUser, p.OldUserData.Get(profile.Username)}, {keyUser, p.OldUserData.Get(profile.Email)}}
	seen := map[key]bool{}
	for _, k := range keys {
		if k.value == "" || seen[k] {
			continue
		}
		seen[k] = true
		r, ok, err := c.lookup(ctx, k.attr, k.value)
		if err != nil || ok {
			return r, ok, err
		}
	}
	return nil, false, nil
}

// EmployeeIDAttribute is the SCIM attribute that binds a user to a person: the stock
// scim-outgoing mapper writes the employee id there.
const EmployeeIDAttribute = "externalId"

// AccountOwner reads the employee id the user stores (connectors.Accounts).
func (c *Client) AccountOwner(_ context.Context, r resource) (connectors.Owner, error) {
	return connectors.Owner{Account: fmt.Sprintf("user %s (%s) of %s", r.userName(), r.id(), c.cfg.Instance),
		EmployeeID: r.value(EmployeeIDAttribute)}, nil
}

func (c *Client) result(op connectors.Operation, r resource) connectors.Result {
	return connectors.Result{Instance: c.cfg.Instance, Action: op, Success: true, Active: r.active(),
		ID: r.id(), Username: r.userName(), Email: r.primaryEmail()}
}

// DescribeAccount reports the user with the whole resource.
func (c *Client) DescribeAccount(r resource) connectors.Result {
	res := c.result(connectors.OpGet, r)
	res.Details = map[string]any{"resource": map[string]any(r)}
	return res
}

// CreateAccount creates p's user from the attributes of d the app declares
// (connectors.Contract converges on a conflict).
func (c *Client) CreateAccount(ctx context.Context, p profile.Profile, d desired, op connectors.Operation) (connectors.Result, error) {
	var created resource
	warnings, err := c.withDeclared(ctx, d, func(send desired, _ *capabilities) error {
		created = nil
		return c.do(ctx, http.MethodPost, "/Users", build(send, true, nil), &created)
	})
	if err != nil {
		return c.fail(op, err, warnings)
	}
	res := c.result(op, created)
	res.Warnings = warnings
	return res, nil
}

// UpdateAccount sends the mapped attributes the app declares that differ, and active=true
// when enabling; nothing differing sends nothing.
func (c *Client) UpdateAccount(ctx context.Context, d desired, r resource, opts connectors.UpdateOptions) (connectors.Result, error) {
	active := r.active()
	enable := opts.AllowEnable && !active
	var changed []string
	updated := r
	warnings, err := c.withDeclared(ctx, d, func(send desired, caps *capabilities) error {
		changed, updated = nil, r
		for _, k := range sortedKeys(send) {
			if r.value(k) != send[k] {
				changed = append(changed, k)
			}
		}
		if len(changed) == 0 && !enable {
			return nil
		}
		var err error
		updated, err = c.write(ctx, caps.patch, r, send, changed, active || enable)
		return err
	})
	if err != nil {
		return c.fail(connectors.OpUpdate, err, warnings)
	}
	res := c.result(connectors.OpUpdate, updated)
	res.Warnings = warnings
	if len(changed) > 0 || enable {
		res.Details = map[string]any{"changed_attributes": changed, "enabled": enable}
	}
	return res, nil
}

// write changes the user: PATCH with one operation per changed attribute (and active), or
// PUT of the whole resource when the app takes no PATCH. An app answering 204 is read back.
func (c *Client) write(ctx context.Context, patch bool, r resource, d desired, changed []string, active bool) (resource, error) {
	path := "/Users/" + url.PathEscape(r.id())
	var out resource
	var err error
	if !patch {
		err = c.do(ctx, http.MethodPut, path, build(d, active, r), &out)
	} else {
		err = c.do(ctx, http.MethodPatch, path, patchOps(d, changed, active != r.active(), active), &out)
	}
	if err != nil {
		return nil, err
	}
	if out.id() == "" {
		if err := c.do(ctx, http.MethodGet, path, nil, &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// patchOps is a PatchOp request: replace (or remove, for a value HR cleared) per changed
// attribute, and active when it changes.
func patchOps(d desired, changed []string, setActive, active bool) map[string]any {
	var ops []any
	for _, k := range changed {
		v := d[k]
		path := k
		var value any = v
		if k == keyEmail {
			path, value = "emails", []any{map[string]any{"value": v, "type": "work", "primary": true}}
		}
		if v == "" {
			ops = append(ops, map[string]any{"op": "remove", "path": path})
			continue
		}
		ops = append(ops, map[string]any{"op": "replace", "path": path, "value": value})
	}
	if setActive {
		ops = append(ops, map[string]any{"op": "replace", "path": "active", "value": active})
	}
	return map[string]any{"schemas": []any{schemaPatchOp}, "Operations": ops}
}

// DisableAccount deactivates r: active=false, or for Slack DELETE, which deactivates there.
// GitHub's DELETE would deprovision for good, so it is never sent. A user gone meanwhile is
// skipped.
func (c *Client) DisableAccount(ctx context.Context, r resource) (connectors.Result, error) {
	// Nothing but active changes: a PUT sends the user as it is, with active=false.
	warnings, err := c.withDeclared(ctx, nil, func(_ desired, caps *capabilities) error {
		if c.cfg.Vendor == VendorSlack {
			return c.do(ctx, http.MethodDelete, "/Users/"+url.PathEscape(r.id()), nil, nil)
		}
		_, err := c.write(ctx, caps.patch, r, nil, nil, false)
		return err
	})
	if errors.Is(err, connectors.ErrNotFound) {
		return c.skip(connectors.OpDisable, connectors.ReasonNoAccount)
	}
	if err != nil {
		return c.fail(connectors.OpDisable, err, warnings)
	}
	r["active"] = false
	res := c.result(connectors.OpDisable, r)
	res.Warnings = warnings
	return res, nil
}

// Users calls fn for every user of the app, paging with startIndex and count as the app
// allows (Slack caps count at 1000 and defaults to 10), until totalResults.
func (c *Client) Users(ctx context.Context, fn func(id, userName string, active bool) error) error {
	start, count := 1, 100
	for {
		q := url.Values{"startIndex": {fmt.Sprint(start)}, "count": {fmt.Sprint(count)}}
		var list struct {
			TotalResults int        `json:"totalResults"`
			Resources    []resource `json:"Resources"`
		}
		if err := c.do(ctx, http.MethodGet, "/Users?"+q.Encode(), nil, &list); err != nil {
			return err
		}
		for _, r := range list.Resources {
			if err := fn(r.id(), r.userName(), r.active()); err != nil {
				return err
			}
		}
		start += len(list.Resources)
		if len(list.Resources) == 0 || start > list.TotalResults {
			return nil
		}
	}
}

// FindByName finds the user holding the mapped userName (or, its own, the mapped
// externalId), never by the old values of a renamed person (connectors.Accounts).
func (c *Client) FindByName(ctx context.Context, p profile.Profile) (resource, bool, error) {
	p.OldUserData = nil
	return c.find(ctx, p)
}
