package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// ILM's own metrics. Activities record them through the SDK's metrics handler (the worker
// exposes it, internal/metrics), which tags them with the namespace, task queue, workflow
// and activity type; the names below are what they add.
const (
	// MetricIncidentsStarted, MetricIncidentsCompleted and MetricIncidentsFailed count
	// incidents by type (label type, the IncidentType), as their workflows start and end
	// (workflows.Interceptor).
	MetricIncidentsStarted   = "ilm_incidents_started_total"
	MetricIncidentsCompleted = "ilm_incidents_completed_total"
	MetricIncidentsFailed    = "ilm_incidents_failed_total"
	// MetricConnectorCalls counts target calls by instance and operation;
	// MetricConnectorErrors those that failed, with their error_type (errors.go);
	// MetricConnectorLatency is their duration in seconds. A call refused because the
	// target is paused reaches no connector and counts in none of them.
	MetricConnectorCalls   = "ilm_connector_calls_total"
	MetricConnectorErrors  = "ilm_connector_errors_total"
	MetricConnectorLatency = "ilm_connector_call_duration_seconds"
	// MetricGuardTrips counts the polls the mass-change guard stopped, by instance.
	MetricGuardTrips = "ilm_guard_trips_total"
	// MetricPollLastSuccess is the Unix time of the last successful poll of each instance
	// on this worker; MetricPollLag the seconds since, as of the scrape.
	MetricPollLastSuccess = "ilm_poll_last_success_timestamp_seconds"
	MetricPollLag         = "ilm_poll_lag_seconds"
	// MetricReviewsPending is the number of incidents waiting for a review decision, in
	// the namespace (ReviewState="Pending"), as of the scrape.
	MetricReviewsPending = "ilm_reviews_pending"
)

// MetricHelp is the help text of ILM's metrics.
var MetricHelp = map[string]string{
	MetricIncidentsStarted:   "Incidents started, by type.",
	MetricIncidentsCompleted: "Incidents that completed (done or skipped), by type.",
	MetricIncidentsFailed:    "Incidents that failed (aborted, review expired, canceled, an error), by type.",
	MetricConnectorCalls:     "Target calls, by instance and operation.",
	MetricConnectorErrors:    "Target calls that failed, by instance, operation and error type.",
	MetricConnectorLatency:   "Duration of target calls in seconds, by instance and operation.",
	MetricGuardTrips:         "Polls the mass-change guard stopped, by instance.",
	MetricPollLastSuccess:    "Unix time of the last successful poll, by instance (this worker's polls).",
	MetricPollLag:            "Seconds since the last successful poll, by instance (this worker's polls).",
	MetricReviewsPending:     "Incidents waiting for a review decision in the namespace.",
}

// recordCall counts a target call, its duration and, when it failed, its error type.
func recordCall(ctx context.Context, call TargetCall, took time.Duration, classified error) {
	h := activity.GetMetricsHandler(ctx).WithTags(map[string]string{"instance": call.Instance, "operation": string(call.Operation)})
	h.Counter(MetricConnectorCalls).Inc(1)
	h.Timer(MetricConnectorLatency).Record(took)
	if classified != nil {
		h.WithTags(map[string]string{"error_type": callErrorType(classified)}).Counter(MetricConnectorErrors).Inc(1)
	}
}

// callErrorType is the type of a classified error, "Unclassified" for another.
func callErrorType(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() != "" {
		return app.Type()
	}
	return "Unclassified"
}

// recordPoll records a successful poll of the instance, at the time it ended (not the
// activities' clock, which tests and --now move: the lag is measured against the scrape's).
func recordPoll(ctx context.Context, instance string, err error) {
	if err != nil {
		return
	}
	activity.GetMetricsHandler(ctx).WithTags(map[string]string{"instance": instance}).
		Gauge(MetricPollLastSuccess).Update(float64(time.Now().UnixNano()) / 1e9)
}

// recordGuardTrip counts a poll the mass-change guard stopped.
func recordGuardTrip(ctx context.Context, instance string) {
	activity.GetMetricsHandler(ctx).WithTags(map[string]string{"instance": instance}).Counter(MetricGuardTrips).Inc(1)
}
