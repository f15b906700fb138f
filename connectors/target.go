// Package connectors defines the IAM contract every provisioning target implements (SPEC §1,
// "Connector operation contract"), its result record and its typed errors. Connectors are
// plain Go clients: nothing here or below knows about Temporal.
package connectors

import (
	"context"

	"github.com/ilm-dev/ilm/profile"
)

// Operation is one IAM command, as run by `ilm iam <operation>-user`.
type Operation string

// The IAM operations.
const (
	OpGet     Operation = "get"
	OpCreate  Operation = "create"
	OpUpdate  Operation = "update"
	OpDisable Operation = "disable"
)

// UpdateOptions tune an update (SPEC §1).
type UpdateOptions struct {
	// AllowEnable enables a disabled account before updating it.
	AllowEnable bool `json:"allow_enable,omitempty"`
	// CreateIfNotExists creates a missing account instead of skipping it.
	CreateIfNotExists bool `json:"create_if_not_exists,omitempty"`
	// Partial says the profile names only what changes (`ilm iam update-user`): an
	// attribute that depends on a field it leaves out is left alone, and a field given as
	// "" clears what it decides. HR's incidents send whole profiles and update everything.
	Partial bool `json:"partial,omitempty"`
}

// Operations says which operations a target instance may perform; one switched off is
// skipped, saying so.
type Operations struct {
	Create, Update, Enable, Disable bool
}

// AllOperations allows every operation.
var AllOperations = Operations{Create: true, Update: true, Enable: true, Disable: true}

// Target is one provisioning target instance (Active Directory, Okta, a SCIM app, …).
//
// Contract: Create on an existing account updates it; Update on a missing account creates it
// when CreateIfNotExists, else is skipped with reason "User does not exist"; Disable on a
// missing or already disabled account is skipped. Errors are typed (see errors.go).
type Target interface {
	Get(ctx context.Context, p profile.Profile) (Result, error)
	Create(ctx context.Context, p profile.Profile) (Result, error)
	Update(ctx context.Context, p profile.Profile, opts UpdateOptions) (Result, error)
	Disable(ctx context.Context, p profile.Profile) (Result, error)
}

// NameChecker is a target that can tell whether the account names a profile maps to are
// taken (provisioning.unique_names): every connector built on Contract is one.
type NameChecker interface {
	// NameHolder returns the account, named for messages, that holds the names p maps to
	// and is not p's own; "" when none does (Contract.NameHolder).
	NameHolder(ctx context.Context, p profile.Profile) (string, error)
}

// ReasonEnabledNoReset is why SetPassword leaves an enabled account alone.
const ReasonEnabledNoReset = "the account is enabled: ILM sets a password only on a disabled account awaiting activation"

// The Activator operations, as they appear in results.
const (
	OpEnable      Operation = "enable"
	OpSetPassword Operation = "set-password"
	// OpActivate is the AD activation step of the workflows: a temporary password set,
	// the account enabled, the password mailed. The activation activity runs it; Run does not.
	OpActivate Operation = "activate"
)

// Activator is a target whose accounts are created disabled and activated later with a
// password (Active Directory, SPEC §1 "AD Activation").
//
// Enable on an enabled account is skipped. SetPassword on an enabled account is skipped with
// ReasonEnabledNoReset: a person's working password is never replaced. SetPassword fails
// with ErrInvalid when the password breaks the target's policy; no error or log ever
// carries the password.
type Activator interface {
	Enable(ctx context.Context, p profile.Profile) (Result, error)
	SetPassword(ctx context.Context, p profile.Profile, password string) (Result, error)
}

// OneLookupActivator is an Activator that activates an account with one lookup: Activate
// finds p's account as SetPassword does (bound to p, skipped with ReasonEnabledNoReset when
// enabled), sets the temporary password, calls deliver with that result (the activation
// mails the password there) and, only when deliver succeeded, enables the account it found,
// as Enable would. A failed deliver leaves the account disabled, so a retry starts over.
type OneLookupActivator interface {
	Activator
	Activate(ctx context.Context, p profile.Profile, password string, deliver func(ctx context.Context, set Result) error) (Result, error)
}

// Result is the outcome of one operation on one instance, the shape of XSOAR's IAM.Vendor.
type Result struct {
	Instance     string         `json:"instance"`
	Action       Operation      `json:"action"`
	Success      bool           `json:"success"`
	Skipped      bool           `json:"skipped"`
	Reason       string         `json:"reason,omitempty"`
	Active       bool           `json:"active"`
	ID           string         `json:"id,omitempty"`
	Username     string         `json:"username,omitempty"`
	Email        string         `json:"email,omitempty"`
	ErrorCode    string         `json:"error_code,omitempty"`
	ErrorMessage string         `json:"error_message,omitempty"`
	Details      map[string]any `json:"details,omitempty"`
	// Warnings say what the operation left out or could not check without failing, e.g.
	// a mapped attribute the app does not declare, which was not sent.
	Warnings []string `json:"warnings,omitempty"`
}

// Skip returns the result of an operation that had nothing to do, saying why.
func Skip(instance string, op Operation, reason string) Result {
	return Result{Instance: instance, Action: op, Success: true, Skipped: true, Reason: reason}
}

// Run performs op on t. Get ignores opts.
func Run(ctx context.Context, t Target, op Operation, p profile.Profile, opts UpdateOptions) (Result, error) {
	switch op {
	case OpGet:
		return t.Get(ctx, p)
	case OpCreate:
		return t.Create(ctx, p)
	case OpUpdate:
		return t.Update(ctx, p, opts)
	case OpDisable:
		return t.Disable(ctx, p)
	default:
		return Result{}, Invalid("unknown operation %q", op)
	}
}
