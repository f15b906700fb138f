package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/store"
)

// ProvisionTarget runs one connector operation on one instance and returns its result.
// Connector errors are classified (errors.go) so that final ones are not retried.
func (a *Activities) ProvisionTarget(ctx context.Context, req TargetRequest) (connectors.Result, error) {
	target, ok := a.Targets[req.Call.Instance]
	if !ok {
		return connectors.Result{}, configError(fmt.Errorf("instance %q is not a provisioning target this worker knows", req.Call.Instance))
	}
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

// CommitProfile stores the incident's resulting profile with a history row naming the
// incident. Workflows call it only after every target succeeded or was skipped.
func (a *Activities) CommitProfile(ctx context.Context, req CommitRequest) error {
	rec := store.Record{Actor: "ilm:" + string(req.Type), Incident: req.WorkflowID, At: a.now()}
	if err := a.Store.SaveProfile(ctx, req.Profile, rec); err != nil {
		return fmt.Errorf("save profile %s: %w", req.Profile.EmployeeID(), err)
	}
	return nil
}
