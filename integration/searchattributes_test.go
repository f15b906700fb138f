//go:build integration

package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/workflows"
)

// A namespace without ILM's search attributes gets them from the worker's start, so a bare
// server is enough for `ilm poll`; a second start finds nothing to add.
func TestWorkerRegistersItsSearchAttributes(t *testing.T) {
	h := newHarness(t)
	namespace := "ilm-sa-" + h.prefix[:len(h.prefix)-1]
	_, err := h.client.WorkflowService().RegisterNamespace(h.ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: namespace, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)})
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		return wiring.EnsureSearchAttributes(h.ctx, h.client, namespace) == nil
	}, 30*time.Second, 500*time.Millisecond, "the new namespace takes its search attributes")
	require.NoError(t, wiring.EnsureSearchAttributes(h.ctx, h.client, namespace), "nothing to add the second time")
	have, err := h.client.OperatorService().ListSearchAttributes(h.ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	require.NoError(t, err)
	for _, key := range workflows.SearchAttributes {
		assert.Contains(t, have.CustomAttributes, key.GetName())
	}
}
