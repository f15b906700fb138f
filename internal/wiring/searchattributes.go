package wiring

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/workflows"
)

// EnsureSearchAttributes registers the search attributes of ILM's that the namespace lacks,
// so that a bare server is enough: every incident and poll sets them when it starts. The
// worker does it at start, and `ilm schedules apply` before it creates schedules.
func EnsureSearchAttributes(ctx context.Context, tc client.Client, namespace string) error {
	have, err := tc.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list the search attributes of namespace %s: %w", namespace, err)
	}
	missing := map[string]enums.IndexedValueType{}
	var names []string
	for _, key := range workflows.SearchAttributes {
		if _, ok := have.CustomAttributes[key.GetName()]; !ok {
			missing[key.GetName()] = enums.INDEXED_VALUE_TYPE_KEYWORD
			names = append(names, key.GetName())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(names)
	_, err = tc.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	})
	var denied *serviceerror.PermissionDenied
	switch {
	case err == nil:
		return nil
	case errors.As(err, &denied):
		return fmt.Errorf("namespace %s lacks the search attributes %s, and this identity may not add them (%w): have an operator run `temporal operator search-attribute create --namespace %s%s`",
			namespace, strings.Join(names, ", "), err, namespace, createFlags(names))
	default:
		return fmt.Errorf("add the search attributes %s to namespace %s: %w", strings.Join(names, ", "), namespace, err)
	}
}

// createFlags is the --name/--type pairs that create names as Keyword attributes.
func createFlags(names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(" --name " + n + " --type Keyword")
	}
	return b.String()
}
