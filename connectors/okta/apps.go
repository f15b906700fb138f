package okta

import (
	"context"
	"fmt"
	"net/url"

	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"
)

// App is an Okta application instance.
type App struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Label string `json:"label"`
}

// Assigned says whether the user is assigned to the app now (directly or through a group).
func (c *Client) Assigned(ctx context.Context, appID, userID string) (bool, error) {
	ctx = withRateNote(ctx)
	_, resp, err := c.sdk.Application.GetApplicationUser(ctx, url.PathEscape(appID), url.PathEscape(userID), nil)
	if err == nil {
		return true, nil
	}
	err = classify(ctx, fmt.Sprintf("get assignment of user %s to app %s", userID, appID), resp, err)
	if isNotFound(err) {
		return false, nil
	}
	return false, err
}

// UserApps returns every app the user is assigned to, following the pages.
func (c *Client) UserApps(ctx context.Context, userID string) ([]App, error) {
	ctx = withRateNote(ctx)
	qp := query.NewQueryParams(query.WithFilter(fmt.Sprintf("user.id eq %q", userID)), query.WithLimit(200))
	apps, resp, err := c.sdk.Application.ListApplications(ctx, qp)
	var out []App
	for {
		if err != nil {
			return nil, classify(ctx, "list apps of user "+userID, resp, err)
		}
		for _, a := range apps {
			if app, ok := a.(*okta.Application); ok {
				out = append(out, App{ID: app.Id, Name: app.Name, Label: app.Label})
			}
		}
		if len(apps) == 0 || !resp.HasNextPage() {
			return out, nil
		}
		var page []okta.Application
		resp, err = resp.Next(ctx, &page)
		apps = apps[:0]
		for i := range page {
			apps = append(apps, &page[i])
		}
	}
}
