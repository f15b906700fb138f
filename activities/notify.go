package activities

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"go.temporal.io/sdk/activity"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/lifecycle"
)

// FailureNotice says which provisioning step of which incident failed.
type FailureNotice struct {
	Type       lifecycle.EventType  `json:"type"`
	EmployeeID string               `json:"employee_id"`
	Name       string               `json:"name,omitempty"`
	Instance   string               `json:"instance"`
	Action     connectors.Operation `json:"action"`
	Error      string               `json:"error"`
	WorkflowID string               `json:"workflow_id"`
}

// NotifyFailure mails provisioning.it_notification_email that a provisioning step failed,
// naming the target, the error and the workflow's Web UI address. Without smtp or that
// address it only logs that it could not: the incident waits for review either way.
func (a *Activities) NotifyFailure(ctx context.Context, n FailureNotice) error {
	to := a.Config.Provisioning.ITNotificationEmail
	if a.Mail.Sender == nil || a.Mail.Templates == nil || to == "" {
		activity.GetLogger(ctx).Warn("provisioning failure not mailed: configure smtp and provisioning.it_notification_email",
			"instance", n.Instance)
		return nil
	}
	msg, err := a.Mail.Templates.RenderProvisioningFailure(mail.ProvisioningFailure{
		Name: n.Name, EmployeeID: n.EmployeeID, Incident: string(n.Type), Instance: n.Instance,
		Action: string(n.Action), Error: n.Error, WorkflowID: n.WorkflowID, WorkflowURL: a.workflowURL(n.WorkflowID),
	})
	if err != nil {
		return configError(err)
	}
	msg.To = []string{to}
	if err := a.Mail.Sender.Send(ctx, msg); err != nil {
		return classify(fmt.Errorf("mail the failure to IT: %w", err))
	}
	return nil
}

// workflowURL is the Web UI address of the workflow's latest run.
func (a *Activities) workflowURL(workflowID string) string {
	t := a.Config.Temporal
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", strings.TrimSuffix(t.UIURL, "/"),
		url.PathEscape(t.Namespace), url.PathEscape(workflowID))
}
