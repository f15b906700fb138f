//go:build integration

package integration

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/internal/codec"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/workflows"
)

// chromiumPath is Debian's Chromium (apt-get install chromium; .ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// The Temporal Web UI started with --ui-codec-endpoint at ILM's codec server shows an
// encrypted New Hire's input decoded: the person's name and email. A Web UI without the
// endpoint shows the same kind of incident's input as the encrypted payload only, and no
// name or email anywhere on the page. Each runs the incident through an encrypting client
// on a dev server of its own and reads the page in headless Chromium.
func TestWebUIShowsInputDecodedOnlyThroughTheCodecEndpoint(t *testing.T) {
	browser := newBrowser(t)
	keys := filepath.Join(t.TempDir(), "codec-keys")
	require.NoError(t, os.WriteFile(keys, []byte("it-ui AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n"), 0o600))

	t.Run("with the codec endpoint the name shows", func(t *testing.T) {
		cs := listenCodec(t)
		ds := startDevServerWithUI(t, cs.URL)
		cs.serve(t, keys, ds.UIURL)
		inc := runEncryptedIncident(t, ds, keys)

		text := browser.pageText(t, inc.page, inc.name)
		assert.Contains(t, text, inc.email, "the decoded input holds the email too")
		assert.Positive(t, cs.decodes.Load(), "the UI asked the codec server to decode")
	})
	t.Run("without it no name shows", func(t *testing.T) {
		ds := startDevServerWithUI(t, "")
		inc := runEncryptedIncident(t, ds, keys)

		// The input is rendered once its encrypted payload's metadata is on the page.
		encrypted := base64.StdEncoding.EncodeToString([]byte(codec.Encoding))
		text := browser.pageText(t, inc.page, encrypted)
		html := browser.pageHTML(t)
		for _, needle := range []string{inc.name, inc.given, inc.surname, inc.email} {
			assert.NotContains(t, strings.ToLower(text), strings.ToLower(needle))
			assert.NotContains(t, strings.ToLower(html), strings.ToLower(needle))
		}
	})
}

// encryptedIncident is a completed New Hire run through an encrypting client, and the Web UI
// page of its history.
type encryptedIncident struct {
	page                        string
	name, given, surname, email string
}

// runEncryptedIncident runs one new hire, with a name to look for, on the dev server through
// a client that encrypts with the keys file.
func runEncryptedIncident(t *testing.T, ds *devServer, keys string) encryptedIncident {
	t.Helper()
	copts := client.Options{HostPort: ds.Addr}
	require.NoError(t, wiring.Encrypt(&copts, keys))
	h := newHarnessDialing(t, copts)
	inc := encryptedIncident{name: "Augusta Ada Lovelace", given: "Augusta", surname: "Lovelace",
		email: fmt.Sprintf("ada.lovelace.%s@example.com", h.prefix)}
	row := h.person(1, "2026-10-01")
	row["Preferred_Name"], row["Preferred_Name_-_First_Name"], row["Preferred_Name_-_Last_Name"] = inc.name, inc.given, inc.surname
	row["Email_Address"] = inc.email
	h.setReport(row)
	require.True(t, h.incident(day1, 1).ProfileSaved)

	id := workflows.PersonWorkflowID(h.id(1))
	desc, err := h.client.DescribeWorkflow(h.ctx, id, "")
	require.NoError(t, err)
	inc.page = fmt.Sprintf("%s/namespaces/default/workflows/%s/%s/history", ds.UIURL, url.PathEscape(id), desc.WorkflowExecution.RunID)
	return inc
}

// codecServer is ILM's codec handler on a loopback port, counting the decode requests.
type codecServer struct {
	ln      net.Listener
	URL     string
	decodes atomic.Int64
}

// listenCodec reserves the codec server's port, so the dev server can be told its address
// before the codec server knows the Web UI's origin.
func listenCodec(t *testing.T) *codecServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return &codecServer{ln: ln, URL: "http://" + ln.Addr().String()}
}

// serve serves the codec of the keys file to the Web UI at origin until the test ends.
func (cs *codecServer) serve(t *testing.T, keys, origin string) {
	t.Helper()
	cdc, err := codec.Load(keys)
	require.NoError(t, err)
	h := codec.Handler(cdc, codec.ServerOptions{Origins: []string{origin}})
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/decode" {
			cs.decodes.Add(1)
		}
		h.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(cs.ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// browser is a headless Chromium with one tab, closed when the test ends.
type browser struct{ tab context.Context }

// newBrowser starts Chromium, or skips the test when it is not installed.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium; .ci/run installs it): %v", chromiumPath, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	// As root, with no sandbox; without the background-networking flags Chromium's own
	// network attempts (updates, sync, QUIC) are refused here and slow it down.
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromiumPath), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	require.NoError(t, chromedp.Do(tab), "starting Chromium")
	return &browser{tab: tab}
}

// uiErrorPage is what the Web UI shows when a call to its server failed; it does not retry.
const uiErrorPage = "Uh oh. There's an error."

// pageText opens the page and returns its text once it contains want, failing with the
// page's text when it does not within a minute. The Web UI's error page is loaded again: a
// dev server just started sometimes answers the UI's first history call with a 500.
func (b *browser) pageText(t *testing.T, page, want string) string {
	t.Helper()
	require.NoError(t, chromedp.Do(b.tab, chromedp.Navigate(page)), page)
	var text string
	deadline := time.Now().Add(time.Minute)
	for reloads := 0; ; {
		var err error
		text, err = chromedp.Run(b.tab, chromedp.Evaluate[string](`document.body.innerText`))
		require.NoError(t, err)
		if strings.Contains(text, want) {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not show %q within a minute (%d reloads of the error page); it shows:\n%s", page, want, reloads, text)
		}
		time.Sleep(500 * time.Millisecond)
		if strings.Contains(text, uiErrorPage) {
			reloads++
			t.Logf("the Web UI showed its error page; loading %s again", page)
			require.NoError(t, chromedp.Do(b.tab, chromedp.Navigate(page)), page)
		}
	}
}

// pageHTML returns the open page's whole document, attributes and hidden parts included.
func (b *browser) pageHTML(t *testing.T) string {
	t.Helper()
	html, err := chromedp.Run(b.tab, chromedp.OuterHTML("html"))
	require.NoError(t, err)
	return html
}
