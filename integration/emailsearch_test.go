//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/internal/codec"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/workflows"
)

// withEmailSearch sets the Email search attribute on incidents as ilm-worker does with that
// keys file ("" for none), after making sure the namespace has the attribute.
func withEmailSearch(t *testing.T, keysFile string) harnessOption {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: os.Getenv("ILM_TEST_TEMPORAL_ADDRESS")})
	require.NoError(t, err)
	defer c.Close()
	require.Eventually(t, func() bool {
		return wiring.EnsureSearchAttributes(t.Context(), c, "default") == nil
	}, 30*time.Second, 500*time.Millisecond, "the namespace takes ILM's search attributes")
	var emails codec.EmailSearch
	if keysFile != "" {
		cdc, err := codec.Load(keysFile)
		require.NoError(t, err)
		emails = cdc.EmailSearch()
	}
	return func(_ *config.Config, acts *activities.Activities) {
		starter := acts.Starter.(workflows.IncidentStarter)
		starter.EmailSearch = emails.Value
		acts.Starter, acts.EmailSearch = starter, emails.Value
	}
}

// Keys of the test: the incident is started under the old one; the CLI reads a keys file
// rotated since, with a new key first.
const (
	oldKeyLine = "it-old AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n"
	newKeyLine = "it-new IB8eHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=\n"
)

// `ilm incidents --email` finds a person's incident by email, in any case. Without a codec
// the Email search attribute holds the lower-cased email; with one it holds a keyed hash, so
// what Temporal indexes holds no email in clear, and the CLI still finds the incident after
// the keys were rotated (it asks for the value under every key).
func TestIncidentsAreFoundByEmail(t *testing.T) {
	addr := os.Getenv("ILM_TEST_TEMPORAL_ADDRESS")
	if addr == "" {
		t.Skip("ILM_TEST_TEMPORAL_ADDRESS not set: run `make test-integration`, which starts a Temporal dev server")
	}
	dir := t.TempDir()
	ilm := filepath.Join(dir, "ilm")
	build := exec.Command("go", "build", "-o", ilm, "../starter")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	for _, mode := range []struct {
		name        string
		startedWith string // the keys file content the incident is started with
		lookedUpBy  string // the keys file content the CLI reads
	}{
		{"in clear", "", ""},
		{"keyed, after a rotation", oldKeyLine, newKeyLine + oldKeyLine},
	} {
		t.Run(mode.name, func(t *testing.T) {
			dir := t.TempDir()
			keysFile := func(name, content string) string {
				if content == "" {
					return ""
				}
				path := filepath.Join(dir, name)
				require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
				return path
			}
			startKeys, lookupKeys := keysFile("start-keys", mode.startedWith), keysFile("lookup-keys", mode.lookedUpBy)
			var copts client.Options
			require.NoError(t, wiring.Encrypt(&copts, startKeys))
			raw, err := client.Dial(client.Options{HostPort: addr})
			require.NoError(t, err)
			t.Cleanup(raw.Close)
			h := newHarnessDialing(t, copts, withEmailSearch(t, startKeys))

			row := h.person(1, "2026-10-01")
			email := row["Email_Address"].(string) // P.<prefix>1@Example.com
			lower := strings.ToLower(email)
			h.setReport(row)
			h.incident(day1, 1)
			id := workflows.PersonWorkflowID(h.id(1))

			// What Temporal indexes, read without the codec.
			desc, err := raw.DescribeWorkflowExecution(h.ctx, id, "")
			require.NoError(t, err)
			var stored string
			require.NoError(t, converter.GetDefaultDataConverter().FromPayload(
				desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()["Email"], &stored))
			if startKeys == "" {
				assert.Equal(t, lower, stored)
			} else {
				assert.True(t, strings.HasPrefix(stored, codec.EmailHashPrefix), stored)
				assert.NotContains(t, strings.ToLower(stored), strings.ToLower(h.prefix), "no part of the email in clear")
			}

			cfg := filepath.Join(dir, "ilm.yaml")
			codecYAML := ""
			if lookupKeys != "" {
				codecYAML = fmt.Sprintf(", codec: {keys_file: %q}", lookupKeys)
			}
			require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf("store: sqlite:%s\ntemporal: {address: %q, namespace: default%s}\n",
				filepath.Join(dir, "ilm.db"), addr, codecYAML)), 0o600))
			cli := func(args ...string) string {
				cmd := exec.Command(ilm, append([]string{"incidents", "--config", cfg, "--email", strings.ToUpper(email)}, args...)...)
				cmd.Env = append(os.Environ(), "ILM_TEMPORAL_ADDRESS="+addr)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				require.NoError(t, err, stderr.String())
				return string(out)
			}

			query := strings.TrimSpace(cli("--print-query"))
			if lookupKeys == "" {
				assert.Equal(t, fmt.Sprintf(`Email IN (%q)`, lower), query)
			} else {
				assert.Equal(t, 2, strings.Count(query, codec.EmailHashPrefix), "one value per key: %s", query)
				assert.Contains(t, query, stored, "the old key's value is asked for")
				assert.NotContains(t, strings.ToLower(query), strings.ToLower(h.prefix))
			}

			// Visibility is eventually consistent: give it a moment.
			out := cli()
			for deadline := time.Now().Add(10 * time.Second); out == "" && time.Now().Before(deadline); out = cli() {
				time.Sleep(200 * time.Millisecond)
			}
			var found []map[string]any
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var line map[string]any
				require.NoError(t, json.Unmarshal(sc.Bytes(), &line), sc.Text())
				found = append(found, line)
			}
			require.Len(t, found, 1, out)
			assert.Equal(t, id, found[0]["workflow_id"])
			assert.Equal(t, "IAM - New Hire", found[0]["incident_type"])
			assert.Equal(t, h.id(1), found[0]["employee_id"])
			assert.Equal(t, "Completed", found[0]["status"])
		})
	}
}
