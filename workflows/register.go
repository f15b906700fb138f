package workflows

import "go.temporal.io/sdk/worker"

// Register registers every workflow: the one list the worker and the tests share.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflow(NewHire)
	r.RegisterWorkflow(UpdateUser)
	r.RegisterWorkflow(Termination)
	r.RegisterWorkflow(Rehire)
	r.RegisterWorkflow(ADActivation)
	r.RegisterWorkflow(ADDeactivation)
	r.RegisterWorkflow(SyncUserReview)
	r.RegisterWorkflow(WorkdayPoll)
	r.RegisterWorkflow(AppAdd)
	r.RegisterWorkflow(AppRemove)
	r.RegisterWorkflow(AppUpdate)
	r.RegisterWorkflow(OktaLogPoll)
}
