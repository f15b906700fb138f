package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// ProvisionTarget runs one connector operation on one instance and returns its result.
// Connector errors are classified (errors.go) so that final ones are not retried. The
// instance's circuit breaker (breaker.go) counts each call's outcome and, while it has
// paused the instance, refuses the call with a TargetPaused error, not calling the target.
func (a *Activities) ProvisionTarget(ctx context.Context, req TargetRequest) (connectors.Result, error) {
	target, ok := a.Targets[req.Call.Instance]
	if !ok {
		return connectors.Result{}, configError(fmt.Errorf("instance %q is not a provisioning target this worker knows", req.Call.Instance))
	}
	adm, err := a.admit(ctx, req.Call.Instance)
	if err != nil {
		return connectors.Result{}, err
	}
	began := time.Now()
	res, err := a.provision(ctx, target, req)
	recordCall(ctx, req.Call, time.Since(began), err)
	a.record(ctx, req.Call, adm.Probe, err)
	return res, err
}

// provision makes the call, its errors classified.
func (a *Activities) provision(ctx context.Context, target connectors.Target, req TargetRequest) (connectors.Result, error) {
	var res connectors.Result
	var err error
	if req.Call.Operation == connectors.OpActivate {
		res, err = a.activate(ctx, req.Call.Instance, target, req.Profile)
	} else {
		res, err = connectors.Run(ctx, target, req.Call.Operation, req.Profile, req.Call.Options)
	}
	if err != nil {
		activity.GetLogger(ctx).Warn("target call failed", "instance", req.Call.Instance,
			"operation", req.Call.Operation, "error", err)
		return connectors.Result{}, classify(fmt.Errorf("%s %s: %w", req.Call.Instance, req.Call.Operation, err))
	}
	res.Instance, res.Action = req.Call.Instance, req.Call.Operation
	return res, nil
}

// CheckPlannedRevision says why an incident must not act when the stored profile is no
// longer the one it was planned from ("" when it still is): another incident, a second poll
// or App Sync changed it since, and the next poll plans again from what is stored now.
func (a *Activities) CheckPlannedRevision(ctx context.Context, req RevisionCheck) (string, error) {
	p, err := a.Store.GetProfile(ctx, req.EmployeeID)
	var now int64
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return "", err
	default:
		now = p.Revision
	}
	if now == req.PlannedRevision {
		return "", nil
	}
	return fmt.Sprintf("stale: the profile of employee %s changed since this incident was planned (revision %d, now %d); nothing was done, and the next poll plans again",
		req.EmployeeID, req.PlannedRevision, now), nil
}

// CommitProfile stores the incident's resulting profile with a history row naming the
// incident. Workflows call it only after every target succeeded or was skipped. It writes
// what HR incidents own, everything but the app list, over the profile as stored now, so an
// App Sync change recorded meanwhile stays.
func (a *Activities) CommitProfile(ctx context.Context, req CommitRequest) error {
	rec := store.Record{Actor: "ilm:" + string(req.Type), Incident: req.WorkflowID, At: a.now()}
	_, err := a.Store.UpdateProfile(ctx, req.Profile.EmployeeID(), rec, func(p *profile.Profile, found bool) error {
		apps := p.Applications
		*p = req.Profile.Clone()
		if found {
			p.Applications = apps
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save profile %s: %w", req.Profile.EmployeeID(), err)
	}
	return nil
}
